/**
 * npm run bench:sandbox
 * The sandbox's request rate against a bare Node HTTP server answering the same request sequence in the
 * same run (an in-memory mailbox with no auth, no disk, no checks), each in its own child process:
 *   601: one client sends 600 messages one at a time, lists them in pages, downloads and acknowledges each;
 *   concurrent: 8 clients each send 250 messages, then download and acknowledge their own (6,000
 *   requests a pass: shorter passes were too short to measure steadily).
 * Both servers run for the whole benchmark. Each scenario runs once on each to warm them up (reported as
 * the cold pass), then in ROUNDS paired rounds; the median ratio is the result. Reports requests/s, the
 * servers' peak RSS and the sandbox/bare ratio (target: at least 0.5).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Pool } from 'undici';
import { makeAuthToken, MEDIA_V2 } from '../src/protocol/index.ts';
import { startSandboxProcess } from '../tests/support/sandbox-process.ts';
import { peakRssMib } from '../tests/support/peak-rss.ts';

const SENDER = 'X26ABC1';
const RECIPIENT = 'X26ABC2';
const PAYLOAD = Buffer.alloc(2048, 'MESH benchmark payload. ');

/** The baseline: the least a server must do to answer the same sequence. */
const BARE_SERVER = `
import { createServer } from 'node:http';
const messages = new Map();
let next = 0;
const json = (res, status, body) => { const text = JSON.stringify(body); res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }); res.end(text); };
createServer((req, res) => {
  const parts = [];
  req.on('data', (c) => parts.push(c));
  req.on('end', () => {
    const url = new URL(req.url, 'http://x');
    const path = url.pathname.split('/');
    if (req.method === 'POST' && path[3] === 'outbox') {
      const id = String(next++).padStart(20, '0') + '_ABCDEF';
      messages.set(id, Buffer.concat(parts));
      return json(res, 202, { message_id: id });
    }
    if (req.method === 'PUT') { messages.delete(path[4]); res.writeHead(200, { 'content-length': 0 }); return res.end(); }
    if (path[3] === 'inbox' && path.length === 4) {
      const ids = [...messages.keys()];
      const from = Number(url.searchParams.get('continue_from') ?? 0);
      const page = ids.slice(from, from + 500);
      const links = { self: url.pathname, ...(from + 500 < ids.length ? { next: url.pathname + '?continue_from=' + (from + 500) } : {}) };
      return json(res, 200, { messages: page, links, approx_inbox_count: ids.length });
    }
    if (path[3] === 'inbox') { const body = messages.get(path[4]) ?? Buffer.alloc(0); res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length }); return res.end(body); }
    res.writeHead(200, { 'content-length': 0 }); res.end();
  });
}).listen(0, '127.0.0.1', function () { console.log('ready http://127.0.0.1:' + this.address().port); });
`;

interface Server {
  baseUrl: string;
  peakRssMib(): number;
  stop(): Promise<void>;
}

async function startBare(): Promise<Server> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', BARE_SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const baseUrl = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', (line) => resolve(line.slice('ready '.length))));
  return { baseUrl, peakRssMib: () => peakRssMib(child.pid!), stop: async () => void (child.kill('SIGTERM'), await new Promise((r) => child.once('exit', r))) };
}

async function startMesh(dataDir: string): Promise<Server> {
  const sandbox = await startSandboxProcess(['--data-dir', dataDir]);
  return { baseUrl: sandbox.ready.baseUrl, peakRssMib: () => sandbox.peakRss() / 1024 / 1024, stop: async () => void (await sandbox.stop()) };
}

/** One client: a single connection, a fresh token per request, counting requests. */
class Client {
  readonly pool: Pool;
  requests = 0;
  constructor(baseUrl: string) {
    this.pool = new Pool(baseUrl, { connections: 1 });
  }

  async call(method: 'GET' | 'POST' | 'PUT', mailboxId: string, path: string, headers: Record<string, string> = {}, body?: Buffer): Promise<{ status: number; text: string }> {
    this.requests++;
    const authorization = makeAuthToken({ sharedKey: 'TestKey', mailboxId, password: 'password' });
    const res = await this.pool.request({ method, path, headers: { accept: MEDIA_V2, authorization, ...headers }, ...(body ? { body } : {}) });
    const text = await res.body.text();
    if (res.statusCode >= 300) throw new Error(`${method} ${path}: ${res.statusCode} ${text}`);
    return { status: res.statusCode, text };
  }

  async send(count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const reply = await this.call('POST', SENDER, `/messageexchange/${SENDER}/outbox`, { 'mex-to': RECIPIENT, 'mex-workflowid': 'MESH_ASSURE_TEST', 'mex-localid': `bench-${i}` }, PAYLOAD);
      ids.push((JSON.parse(reply.text) as { message_id: string }).message_id);
    }
    return ids;
  }

  async receive(ids: string[]): Promise<void> {
    for (const id of ids) {
      await this.call('GET', RECIPIENT, `/messageexchange/${RECIPIENT}/inbox/${id}`);
      await this.call('PUT', RECIPIENT, `/messageexchange/${RECIPIENT}/inbox/${id}/status/acknowledged`);
    }
  }

  async list(): Promise<string[]> {
    const ids: string[] = [];
    let path: string | undefined = `/messageexchange/${RECIPIENT}/inbox`;
    while (path) {
      const page = JSON.parse((await this.call('GET', RECIPIENT, path)).text) as { messages: string[]; links: { next?: string } };
      ids.push(...page.messages);
      path = page.links.next;
    }
    return ids;
  }
}

async function sequence601(baseUrl: string): Promise<{ requests: number; seconds: number }> {
  const client = new Client(baseUrl);
  const started = performance.now();
  await client.call('POST', RECIPIENT, `/messageexchange/${RECIPIENT}`, { 'mex-clientversion': 'bench==1', 'mex-osname': 'Linux', 'mex-osversion': '6' });
  await client.send(600);
  const listed = await client.list();
  if (listed.length !== 600) throw new Error(`listed ${listed.length} messages, expected 600`);
  await client.receive(listed);
  const seconds = (performance.now() - started) / 1000;
  await client.pool.close();
  return { requests: client.requests, seconds };
}

async function concurrent(baseUrl: string): Promise<{ requests: number; seconds: number }> {
  const clients = Array.from({ length: 8 }, () => new Client(baseUrl));
  const started = performance.now();
  await Promise.all(clients.map(async (c) => c.receive(await c.send(250))));
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(clients.map((c) => c.pool.close()));
  return { requests: clients.reduce((n, c) => n + c.requests, 0), seconds };
}

const SCENARIOS = { '601 sequence': sequence601, '8 concurrent clients': concurrent };
/** Measured rounds per scenario, after one unmeasured pass that warms both servers up. */
const ROUNDS = 7;

const dataDir = await mkdtemp(join(tmpdir(), 'bench-sandbox-'));
const servers = { bare: await startBare(), sandbox: await startMesh(join(dataDir, 'sandbox')) };
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const rate = async (server: Server, scenario: (baseUrl: string) => Promise<{ requests: number; seconds: number }>) => {
  const { requests, seconds } = await scenario(server.baseUrl);
  return { requests, rate: requests / seconds };
};
try {
  for (const [name, scenario] of Object.entries(SCENARIOS)) {
    // A fresh process runs code unoptimised until the JIT has seen it: the first pass shows that cost.
    const cold = { bare: await rate(servers.bare, scenario), sandbox: await rate(servers.sandbox, scenario) };
    console.log(`${name}: first pass (cold JIT) sandbox ${cold.sandbox.rate.toFixed(0)} req/s, bare ${cold.bare.rate.toFixed(0)} req/s, ratio ${(cold.sandbox.rate / cold.bare.rate).toFixed(2)}`);
    // Rounds alternate which server goes first, so that a machine slowing down hits both sides of a ratio.
    const rounds: { bare: number; sandbox: number }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? (['bare', 'sandbox'] as const) : (['sandbox', 'bare'] as const);
      const result = { bare: 0, sandbox: 0 };
      for (const label of order) result[label] = (await rate(servers[label], scenario)).rate;
      rounds.push(result);
    }
    const ratios = rounds.map((r) => r.sandbox / r.bare);
    console.log(
      `${name.padEnd(22)} ${String(cold.sandbox.requests).padStart(5)} requests  sandbox ${median(rounds.map((r) => r.sandbox)).toFixed(0).padStart(5)} req/s` +
        `  bare ${median(rounds.map((r) => r.bare)).toFixed(0).padStart(5)} req/s  ratio ${median(ratios).toFixed(2)} (median of ${ROUNDS} rounds: ${ratios.map((r) => r.toFixed(2)).join(' ')})`,
    );
  }
  console.log(`peak RSS: sandbox ${servers.sandbox.peakRssMib().toFixed(0)} MiB, bare ${servers.bare.peakRssMib().toFixed(0)} MiB`);
} finally {
  await Promise.all([servers.bare.stop(), servers.sandbox.stop()]);
  await rm(dataDir, { recursive: true, force: true });
}
console.log('target: ratio >= 0.50 (sandbox at least half the bare server rate)');
