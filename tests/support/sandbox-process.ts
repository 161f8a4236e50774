/** Runs `mesh-assure sandbox` as a child process and reads its ready line: for the crash and memory tests and the sandbox benchmark. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { peakRssMib } from './peak-rss.ts';
import type { RunningSandbox } from '../../src/sandbox/index.ts';

const CLI = fileURLToPath(new URL('../../bin/mesh-assure.mjs', import.meta.url));

export type ReadySandbox = Pick<
  RunningSandbox,
  'baseUrl' | 'port' | 'dataDir' | 'sharedKey' | 'adminUrl' | 'mailboxes'
>;

export interface SandboxProcess {
  ready: ReadySandbox;
  child: ChildProcess;
  /** Peak resident set size so far (VmHWM), in bytes. */
  peakRss(): number;
  /** SIGKILL, no goodbye. */
  kill(): Promise<void>;
  /** SIGTERM and wait for a clean exit; resolves with the exit code. */
  stop(): Promise<number | null>;
}

export async function startSandboxProcess(args: string[]): Promise<SandboxProcess> {
  const child = spawn(process.execPath, [CLI, 'sandbox', '--port', '0', '--json', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = await new Promise<ReadySandbox>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (line.startsWith('{"ready":true')) resolve(JSON.parse(line) as ReadySandbox);
    });
    void exited.then((code) => reject(new Error(`sandbox exited (${code}) before it was ready: ${stderr}`)));
  });
  return {
    ready,
    child,
    peakRss: () => peakRssMib(child.pid!) * 1024 * 1024,
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}
