/**
 * Runs a command of the supplier's product through the shell, with {placeholders} replaced by shell-quoted
 * values and the MESH settings in its environment. Each command is its own process group, killed as a
 * group at its deadline: killing only the shell would leave the product running (and holding our pipes).
 */
import { spawn } from 'node:child_process';

export interface CommandResult {
  command: string;
  code: number | null;
  /** True when the deadline came first and the command's process group was killed. */
  stoppedAtDeadline: boolean;
  durationMs: number;
  /** What the command wrote on stdout (its last part), where a send command may print the message id. */
  stdout: string;
  /** The last lines the command wrote (stdout and stderr), for the report. */
  tail: string;
}

const TAIL_CHARS = 4000;
/** From SIGTERM to SIGKILL: a product that traps SIGTERM gets this long to stop. */
const KILL_GRACE_MS = 2000;

/** Process groups still running, killed by `stopAllProductCommands` when the run ends early. */
const running = new Set<number>();

/** POSIX single quotes; on Windows cmd.exe, double quotes. */
function shellQuote(value: string): string {
  if (process.platform === 'win32') return `"${value.replace(/"/g, '""')}"`;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Replaces each `{name}` the values know; an unknown placeholder is an error, not a silent blank. */
export function fillPlaceholders(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = values[name];
    if (value === undefined)
      throw new Error(
        `unknown placeholder ${whole} in "${template}"; known: ${Object.keys(values)
          .map((k) => `{${k}}`)
          .join(' ')}`,
      );
    return shellQuote(value);
  });
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(process.platform === 'win32' ? pid : -pid, signal);
  } catch {
    // Already gone.
  }
}

export function runProductCommand(
  command: string,
  env: Record<string, string>,
  timeoutMs: number,
): Promise<CommandResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, {
      shell: true,
      detached: true,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const pid = child.pid;
    if (pid !== undefined) running.add(pid);
    let tail = '';
    let stdout = '';
    let stoppedAtDeadline = false;
    const keep = (piece: Buffer) => (tail = (tail + piece.toString('utf8')).slice(-TAIL_CHARS));
    child.stdout.on('data', (piece: Buffer) => {
      stdout = (stdout + piece.toString('utf8')).slice(-TAIL_CHARS);
      keep(piece);
    });
    child.stderr.on('data', keep);
    let grace: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      if (pid === undefined) return;
      stoppedAtDeadline = true;
      killGroup(pid, 'SIGTERM');
      grace = setTimeout(() => killGroup(pid, 'SIGKILL'), KILL_GRACE_MS);
    }, timeoutMs);
    child.on('error', (error) => keep(Buffer.from(String(error))));
    child.on('close', (code) => {
      clearTimeout(timer);
      clearTimeout(grace);
      if (pid !== undefined) {
        // The shell is gone; anything it left behind in its group goes with it.
        killGroup(pid, 'SIGKILL');
        running.delete(pid);
      }
      resolve({ command, code, stoppedAtDeadline, durationMs: Date.now() - started, stdout, tail });
    });
  });
}

/** Kills every product command still running (a test that timed out, a run stopped by the user). */
export function stopAllProductCommands(): void {
  for (const pid of running) killGroup(pid, 'SIGKILL');
  running.clear();
}
