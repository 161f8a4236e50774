/**
 * NHS England's own MESH sandbox, started through the kit beside the checkout (`../shared/peers/
 * nhs-mesh-sandbox/run.sh PORT [--tls]`) for the tests that run mesh-assure against a server nobody on the
 * team wrote. run.sh needs a port number, so a free-looking one is drawn from 20000-60000 and drawn again
 * when uvicorn cannot bind it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomInt } from 'node:crypto';
import { fileURLToPath } from 'node:url';

/** Where the kit is: NHS_MESH_SANDBOX_KIT, else `shared/peers/nhs-mesh-sandbox` beside the checkout. */
export const NHS_SANDBOX_KIT =
  process.env.NHS_MESH_SANDBOX_KIT ?? fileURLToPath(new URL('../../../shared/peers/nhs-mesh-sandbox', import.meta.url));

export const nhsSandboxKitPresent = (): boolean => existsSync(`${NHS_SANDBOX_KIT}/run.sh`);

export interface NhsSandbox {
  baseUrl: string;
  /** The self-signed server certificate run.sh printed, with --tls. */
  caCertPath: string | undefined;
  stop(): Promise<void>;
}

const ATTEMPTS = 5;

export async function startNhsSandbox(options: { tls: boolean }): Promise<NhsSandbox> {
  let lastFailure = '';
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    const port = randomInt(20_000, 60_000);
    const child = spawn('bash', [`${NHS_SANDBOX_KIT}/run.sh`, String(port), ...(options.tls ? ['--tls'] : [])], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const started = await readiness(child);
    if (started.ok) {
      const host = options.tls ? 'localhost' : '127.0.0.1';
      return {
        baseUrl: `${options.tls ? 'https' : 'http'}://${host}:${port}`,
        caCertPath: started.caCertPath,
        stop: () => stop(child),
      };
    }
    lastFailure = started.output;
    if (!/address already in use/i.test(started.output)) break;
  }
  throw new Error(
    `NHS's sandbox did not start (${NHS_SANDBOX_KIT}/run.sh): ${lastFailure.trim().split('\n').slice(-5).join(' | ')}`,
  );
}

/** Resolves when uvicorn says it is serving, or with its output when the process ends first. */
function readiness(
  child: ChildProcess,
): Promise<{ ok: true; caCertPath: string | undefined } | { ok: false; output: string }> {
  return new Promise((resolve) => {
    let output = '';
    child.stderr!.on('data', (data: Buffer) => {
      output += data.toString();
      if (/Uvicorn running on/.test(output)) {
        child.stderr!.removeAllListeners('data');
        child.stderr!.resume();
        resolve({ ok: true, caCertPath: /use as the CA\): (\S+)/.exec(output)?.[1] });
      }
    });
    child.once('exit', () => resolve({ ok: false, output }));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await exited;
}
