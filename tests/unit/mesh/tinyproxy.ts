/**
 * A real HTTP proxy on loopback for the client's proxy tests: Debian's tinyproxy (installed by .ci/run),
 * started on a free port with its configuration in a temporary directory; the fixture owns its life.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ProxyOptions {
  /** Ask for these credentials (407 without them). */
  basicAuth?: { user: string; password: string };
  /** Allow CONNECT only to these ports (tinyproxy allows every port when none is listed). */
  connectPorts?: number[];
}

export interface RunningProxy {
  /** http://127.0.0.1:<port>, without credentials. */
  url: string;
  port: number;
  /** What the proxy logged so far: its requests, never the credentials. */
  log(): string;
  /** How many CONNECT requests to `authority` (host:port) the proxy has logged so far. */
  connects(authority: string): number;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function startOnce(dir: string, options: ProxyOptions): Promise<RunningProxy | undefined> {
  const port = await freePort();
  const lines = [`Port ${port}`, 'Listen 127.0.0.1', 'Timeout 60', 'LogLevel Info', 'MaxClients 20'];
  if (options.basicAuth) lines.push(`BasicAuth ${options.basicAuth.user} ${options.basicAuth.password}`);
  for (const allowed of options.connectPorts ?? []) lines.push(`ConnectPort ${allowed}`);
  const config = join(dir, `tinyproxy-${port}.conf`);
  await writeFile(config, `${lines.join('\n')}\n`, { mode: 0o600 });
  const child = spawn('tinyproxy', ['-d', '-c', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<boolean>((resolve) => {
    const onData = (data: Buffer) => {
      output += data.toString();
      if (output.includes('Accepting connections')) resolve(true);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('error', () => resolve(false));
    void exited.then(() => resolve(false));
  });
  if (!ready) return undefined; // the port was taken between our probe and tinyproxy's bind: try another
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    log: () => output,
    connects: (authority) => output.split('\n').filter((line) => line.includes(`CONNECT ${authority}`)).length,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export async function startTinyproxy(options: ProxyOptions = {}): Promise<RunningProxy> {
  const dir = await mkdtemp(join(tmpdir(), 'mesh-proxy-'));
  for (let tries = 0; tries < 5; tries += 1) {
    const proxy = await startOnce(dir, options);
    if (proxy) {
      return {
        ...proxy,
        stop: async () => {
          await proxy.stop();
          await rm(dir, { recursive: true, force: true });
        },
      };
    }
  }
  await rm(dir, { recursive: true, force: true });
  throw new Error('tinyproxy did not start (is the tinyproxy package installed? .ci/run installs it)');
}
