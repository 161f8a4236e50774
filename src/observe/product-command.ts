/**
 * Runs a command of the supplier's product (--product-send-cmd, --product-receive-cmd) through the shell,
 * with {placeholders} replaced by shell-quoted values and the sandbox settings in the environment.
 */
import { spawn } from 'node:child_process';

export interface CommandResult {
  command: string;
  code: number | null;
  /** The last lines the command wrote (stdout and stderr), for the report of a failed run. */
  tail: string;
}

const TAIL_CHARS = 4000;

/** POSIX single quotes; on Windows cmd.exe, double quotes. */
function shellQuote(value: string): string {
  if (process.platform === 'win32') return `"${value.replace(/"/g, '""')}"`;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Replaces each `{name}` the values know; an unknown placeholder is an error, not a silent blank. */
export function fillPlaceholders(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`unknown placeholder ${whole} in "${template}"; known: ${Object.keys(values).map((k) => `{${k}}`).join(' ')}`);
    return shellQuote(value);
  });
}

export function runProductCommand(command: string, env: Record<string, string>, timeoutMs: number): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn(command, { shell: true, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const keep = (piece: Buffer) => (tail = (tail + piece.toString('utf8')).slice(-TAIL_CHARS));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', (error) => keep(Buffer.from(String(error))));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ command, code, tail });
    });
  });
}
