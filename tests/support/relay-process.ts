/** Runs `mesh-assure relay` as a child process and reads its ready line: for the relay's CLI test and its benchmark. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { peakRssMib } from './peak-rss.ts';

const CLI = fileURLToPath(new URL('../../bin/mesh-assure.mjs', import.meta.url));

export interface ReadyRelay {
  url: string;
  caCertPath: string | null;
  targetUrl: string;
  journal: string | null;
}

export interface RelayProcess {
  ready: ReadyRelay;
  child: ChildProcess;
  /** The stdout lines after the ready line so far (one JSON object each: the requests as they completed). */
  lines: string[];
  /** Peak resident set size so far (VmHWM), in MiB. */
  peakRssMib(): number;
  /** SIGTERM and wait for the exit; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** `env` holds the settings (MESH_TARGET, MESH_CA_CERT, MESH_CLIENT_*...); nothing of the caller's environment leaks in. */
export async function startRelayProcess(args: string[], env: Record<string, string>): Promise<RelayProcess> {
  const child = spawn(process.execPath, [CLI, 'relay', '--port', '0', '--json', ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines: string[] = [];
  let readyLine = false;
  const ready = await new Promise<ReadyRelay>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (readyLine) lines.push(line);
      else if (line.startsWith('{"ready":true')) {
        readyLine = true;
        resolve(JSON.parse(line) as ReadyRelay);
      }
    });
    void exited.then((code) => reject(new Error(`relay exited (${code}) before it was ready: ${stderr}`)));
  });
  return {
    ready,
    child,
    lines,
    peakRssMib: () => peakRssMib(child.pid!),
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}
