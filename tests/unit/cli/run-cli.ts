/** Runs the real `mesh-assure` CLI in a child process, as a user would. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../../bin/mesh-assure.mjs', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `stdin` is a pipe left open (a program that could answer), or /dev/null with `ignore` (no terminal, nothing to answer). */
export function runCli(
  args: string[],
  env: Record<string, string> = {},
  cwd?: string,
  stdin: 'pipe' | 'ignore' = 'pipe',
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      // A clean environment: nothing of the developer's own MESH settings leaks in.
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      cwd,
      stdio: [stdin, 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (piece: string) => (stdout += piece));
    child.stderr!.setEncoding('utf8').on('data', (piece: string) => (stderr += piece));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}
