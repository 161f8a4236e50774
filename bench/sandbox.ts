/**
 * npm run bench:sandbox
 * What users do with the embedded sandbox, timed end to end, with each server's peak RSS:
 *   601: one client sends 600 messages, lists them in pages, downloads and acknowledges each (1,803 requests);
 *   210 MB chunked: a 210 MB message sent as 20 MiB chunks, then downloaded chunk by chunk;
 *   product session: a product's rehearsal session: the counterpart fills its inbox (510 small messages,
 *     a gzip one and a 3-chunk one), the product handshakes, pages through the inbox, downloads (gzip
 *     accepted) and acknowledges everything, sends a file and tracks it, and the counterpart collects it;
 *   witness pack: the whole pack on its own embedded sandbox (`npx playwright test --project witness`).
 * Each workload runs on a fresh server process: the sandbox (the CLI, data dir on the machine's disk), the
 * baseline (a bare Node HTTP server in the same run: in memory, no auth, no checks, no disk) and NHS's own
 * sandbox when ../shared/peers/nhs-mesh-sandbox is there (Python, in-memory store, no mTLS). Times are the
 * median of BENCH_ROUNDS (3) runs; the ratio is against the bare server on the same workload (the pack,
 * which needs a MESH server, against the bare server's 601). BENCH_PACK=0 leaves the pack out, BENCH_NHS=0 NHS's
 * sandbox.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import { gzipSync } from 'node:zlib';
import { Pool } from 'undici';
import { runWitnessPack } from '../src/pack/runner.ts';
import { makeAuthToken, MEDIA_V2 } from '../src/protocol/index.ts';
import { startSandboxProcess } from '../tests/support/sandbox-process.ts';
import { packEnvironment } from '../tests/support/pack-environment.ts';
import { peakRssMib } from '../tests/support/peak-rss.ts';

const PRODUCT = 'X26ABC1';
const COUNTERPART = 'X26ABC2';
const WORKFLOW = 'MESH_ASSURE_TEST';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const NHS_RUN = resolve('../shared/peers/nhs-mesh-sandbox/run.sh');
const MIB = 1024 * 1024;

/** The baseline: the least a server must do to answer the same requests (large chunks are counted, not kept). */
const BARE_SERVER = `
import { createServer } from 'node:http';
const messages = new Map();
let next = 0;
const json = (res, status, body) => { const text = JSON.stringify(body); res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }); res.end(text); };
const zeros = Buffer.alloc(1 << 20);
createServer((req, res) => {
  const parts = [];
  let size = 0;
  req.on('data', (c) => { size += c.length; if (size <= 1 << 20) parts.push(c); });
  req.on('end', () => {
    const url = new URL(req.url, 'http://x');
    const path = url.pathname.split('/');
    const chunk = size <= 1 << 20 ? Buffer.concat(parts) : size;
    if (req.method === 'POST' && path[3] === 'outbox' && path.length === 4) {
      const id = String(next++).padStart(20, '0') + '_ABCDEF';
      const total = Number((req.headers['mex-chunk-range'] ?? '1:1').split(':')[1]);
      messages.set(id, Object.assign([chunk], { total }));
      return json(res, 202, { message_id: id });
    }
    if (req.method === 'POST' && path[3] === 'outbox') { messages.get(path[4])?.push(chunk); return json(res, 202, { message_id: path[4] }); }
    if (req.method === 'PUT') { messages.delete(path[4]); res.writeHead(200, { 'content-length': 0 }); return res.end(); }
    if (path[3] === 'outbox') return json(res, 200, { message_id: url.searchParams.get('messageID'), status: 'accepted' });
    if (path[3] === 'inbox' && path.length === 4) {
      const ids = [...messages.keys()];
      const from = Number(url.searchParams.get('continue_from') ?? 0);
      const page = ids.slice(from, from + 500);
      const links = { self: url.pathname, ...(from + 500 < ids.length ? { next: url.pathname + '?continue_from=' + (from + 500) } : {}) };
      return json(res, 200, { messages: page, links, approx_inbox_count: ids.length });
    }
    if (path[3] === 'inbox') {
      const body = messages.get(path[4])?.[Number(path[5] ?? 1) - 1] ?? Buffer.alloc(0);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'mex-total-chunks': messages.get(path[4])?.total ?? 1, 'content-length': typeof body === 'number' ? body : body.length });
      if (typeof body !== 'number') return res.end(body);
      let left = body;
      const pump = () => { while (left > 0) { const n = Math.min(left, zeros.length); left -= n; if (!res.write(zeros.subarray(0, n))) return void res.once('drain', pump); } res.end(); };
      return pump();
    }
    res.writeHead(200, { 'content-length': 0 }); res.end();
  });
}).listen(0, '127.0.0.1', function () { console.log('ready http://127.0.0.1:' + this.address().port); });
`;

interface Server {
  baseUrl: string;
  peakRssMib(): number;
  stop(): Promise<void>;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  return exited;
}

async function startBare(): Promise<Server> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', BARE_SERVER], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const baseUrl = await new Promise<string>((done) =>
    createInterface({ input: child.stdout! }).once('line', (line) => done(line.slice('ready '.length))),
  );
  return { baseUrl, peakRssMib: () => peakRssMib(child.pid!), stop: () => stopChild(child) };
}

async function startSandbox(): Promise<Server> {
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-sandbox-'));
  const sandbox = await startSandboxProcess(['--data-dir', dataDir]);
  return {
    baseUrl: sandbox.ready.baseUrl,
    peakRssMib: () => sandbox.peakRss() / MIB,
    stop: async () => {
      await sandbox.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** NHS's sandbox on a random free port (run.sh needs a number), up once /health answers. */
async function startNhs(): Promise<Server> {
  for (let attempt = 0; ; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 40000);
    const child = spawn(NHS_RUN, [String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const baseUrl = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 300 && child.exitCode === null; i++) {
      const up = await fetch(`${baseUrl}/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (up) return { baseUrl, peakRssMib: () => peakRssMib(child.pid!), stop: () => stopChild(child) };
      await new Promise((r) => setTimeout(r, 100));
    }
    await stopChild(child);
    if (attempt === 4) throw new Error(`NHS sandbox did not start: ${stderr.slice(-500)}`);
  }
}

/** One client: a single connection, a fresh token per request. */
class Client {
  readonly pool: Pool;
  constructor(baseUrl: string) {
    this.pool = new Pool(baseUrl, { connections: 1 });
  }

  async call(
    method: 'GET' | 'POST' | 'PUT',
    mailboxId: string,
    path: string,
    headers: Record<string, string> = {},
    body?: Buffer | Readable,
  ): Promise<{ text: string; bytes: number }> {
    const authorization = makeAuthToken({ sharedKey: 'TestKey', mailboxId, password: 'password' });
    const res = await this.pool.request({
      method,
      path,
      headers: { accept: MEDIA_V2, authorization, ...headers },
      ...(body ? { body } : {}),
    });
    let bytes = 0;
    const parts: Buffer[] = [];
    for await (const piece of res.body as AsyncIterable<Buffer>) {
      bytes += piece.length;
      if (parts.length < 16) parts.push(piece);
    }
    const text = Buffer.concat(parts).toString('utf8');
    if (res.statusCode >= 300) throw new Error(`${method} ${path}: ${res.statusCode} ${text.slice(0, 300)}`);
    return { text, bytes };
  }

  handshake(mailboxId: string): Promise<unknown> {
    return this.call('POST', mailboxId, `/messageexchange/${mailboxId}`, {
      'mex-clientversion': 'bench==1',
      'mex-osname': 'Linux',
      'mex-osversion': '6',
    });
  }

  /** Sends one chunk (the first starts the message); returns the message id. */
  async send(
    from: string,
    to: string,
    body: Buffer | Readable,
    length: number,
    extra: Record<string, string> = {},
    chunk?: { id: string; n: number; total: number },
  ): Promise<string> {
    const path =
      chunk && chunk.n > 1
        ? `/messageexchange/${from}/outbox/${chunk.id}/${chunk.n}`
        : `/messageexchange/${from}/outbox`;
    const headers = {
      'mex-to': to,
      'mex-workflowid': WORKFLOW,
      'content-type': 'application/octet-stream',
      'content-length': String(length),
      ...extra,
    };
    if (chunk) Object.assign(headers, { 'mex-chunk-range': `${chunk.n}:${chunk.total}` });
    const reply = await this.call('POST', from, path, headers, body);
    // NHS's sandbox answers a later chunk with no id.
    return chunk && chunk.n > 1 ? chunk.id : (JSON.parse(reply.text) as { message_id: string }).message_id;
  }

  async list(mailboxId: string): Promise<string[]> {
    const ids: string[] = [];
    let path: string | undefined = `/messageexchange/${mailboxId}/inbox`;
    while (path) {
      const page = JSON.parse((await this.call('GET', mailboxId, path)).text) as {
        messages: string[];
        links?: { next?: string };
      };
      ids.push(...page.messages);
      path = page.links?.next;
    }
    return ids;
  }

  /** Downloads every chunk of a message (as `mex-total-chunks` says) and acknowledges it; returns its bytes. */
  async collect(mailboxId: string, id: string, headers: Record<string, string> = {}): Promise<number> {
    const path = `/messageexchange/${mailboxId}/inbox/${id}`;
    const first = await this.pool.request({
      method: 'GET',
      path,
      headers: {
        accept: MEDIA_V2,
        authorization: makeAuthToken({ sharedKey: 'TestKey', mailboxId, password: 'password' }),
        ...headers,
      },
    });
    if (first.statusCode >= 300) throw new Error(`GET ${path}: ${first.statusCode} ${await first.body.text()}`);
    let bytes = 0;
    for await (const piece of first.body as AsyncIterable<Buffer>) bytes += piece.length;
    const total = Number(first.headers['mex-total-chunks'] ?? 1);
    for (let n = 2; n <= total; n++) bytes += (await this.call('GET', mailboxId, `${path}/${n}`, headers)).bytes;
    await this.call('PUT', mailboxId, `${path}/status/acknowledged`);
    return bytes;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** `length` bytes made as they are read, so nothing large is held by the benchmark. */
function generated(length: number): Readable {
  const piece = Buffer.alloc(MIB, 'MESH benchmark large message. ');
  let left = length;
  return new Readable({
    read() {
      const n = Math.min(left, piece.length);
      left -= n;
      this.push(n > 0 ? piece.subarray(0, n) : null);
    },
  });
}

async function workload601(baseUrl: string): Promise<void> {
  const client = new Client(baseUrl);
  const payload = Buffer.alloc(2048, 'MESH benchmark payload. ');
  await client.handshake(COUNTERPART);
  for (let i = 0; i < 600; i++)
    await client.send(PRODUCT, COUNTERPART, payload, payload.length, { 'mex-localid': `bench-${i}` });
  const listed = await client.list(COUNTERPART);
  if (listed.length !== 600) throw new Error(`listed ${listed.length} messages, expected 600`);
  for (const id of listed) await client.collect(COUNTERPART, id);
  await client.close();
}

const LARGE_BYTES = 210_000_000;
const CHUNK_BYTES = 20 * MIB;

async function workloadLarge(baseUrl: string): Promise<void> {
  const client = new Client(baseUrl);
  const total = Math.ceil(LARGE_BYTES / CHUNK_BYTES);
  const size = (n: number): number => Math.min(CHUNK_BYTES, LARGE_BYTES - (n - 1) * CHUNK_BYTES);
  const id = await client.send(PRODUCT, COUNTERPART, generated(size(1)), size(1), {}, { id: '', n: 1, total });
  for (let n = 2; n <= total; n++)
    await client.send(PRODUCT, COUNTERPART, generated(size(n)), size(n), {}, { id, n, total });
  const received = await client.collect(COUNTERPART, id);
  if (received !== LARGE_BYTES) throw new Error(`downloaded ${received} bytes, expected ${LARGE_BYTES}`);
  await client.close();
}

async function workloadProduct(baseUrl: string): Promise<void> {
  const counterpart = new Client(baseUrl);
  const product = new Client(baseUrl);
  const small = Buffer.from('a result for the product\n'.repeat(40));
  for (let i = 0; i < 510; i++)
    await counterpart.send(COUNTERPART, PRODUCT, small, small.length, { 'mex-localid': `paging-${i}` });
  const zipped = gzipSync(Buffer.alloc(256 * 1024, 'compressible report line\n'));
  await counterpart.send(COUNTERPART, PRODUCT, zipped, zipped.length, { 'content-encoding': 'gzip' });
  const chunkId = await counterpart.send(COUNTERPART, PRODUCT, generated(MIB), MIB, {}, { id: '', n: 1, total: 3 });
  for (let n = 2; n <= 3; n++)
    await counterpart.send(COUNTERPART, PRODUCT, generated(MIB), MIB, {}, { id: chunkId, n, total: 3 });

  await product.handshake(PRODUCT);
  const waiting = await product.list(PRODUCT);
  if (waiting.length !== 512) throw new Error(`the product's inbox lists ${waiting.length} messages, expected 512`);
  for (const id of waiting) await product.collect(PRODUCT, id, { 'accept-encoding': 'gzip' });
  const sent = await product.send(PRODUCT, COUNTERPART, small, small.length, { 'mex-localid': 'product-file' });
  await product.call('GET', PRODUCT, `/messageexchange/${PRODUCT}/outbox/tracking?messageID=${sent}`);
  await product.list(PRODUCT);
  for (const id of await counterpart.list(COUNTERPART)) await counterpart.collect(COUNTERPART, id);
  await Promise.all([counterpart.close(), product.close()]);
}

type Kind = 'bare' | 'sandbox' | 'nhs';
const START: Record<Kind, () => Promise<Server>> = { bare: startBare, sandbox: startSandbox, nhs: startNhs };
const WORKLOADS: [string, (baseUrl: string) => Promise<void>][] = [
  ['601 (1,803 requests)', workload601],
  ['210 MB chunked in and out', workloadLarge],
  ['product session', workloadProduct],
];

interface Measured {
  seconds: number;
  peakMib: number;
  rounds: number[];
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** A fresh server for the workload (so its peak RSS is this workload's); the median of ROUNDS runs. */
async function measure(kind: Kind, workload: (baseUrl: string) => Promise<void>): Promise<Measured> {
  const server = await START[kind]();
  try {
    const rounds: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const started = performance.now();
      await workload(server.baseUrl);
      rounds.push((performance.now() - started) / 1000);
    }
    return { seconds: median(rounds), peakMib: server.peakRssMib(), rounds };
  } finally {
    await server.stop();
  }
}

/** The largest peak RSS (VmHWM) of any process under `root`, sampled: the pack's runner hosts its sandbox. */
function treePeakMib(root: number): number {
  const parents = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parents.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  let peak = 0;
  const visit = (pid: number): void => {
    try {
      const mib = peakRssMib(pid);
      if (Number.isFinite(mib)) peak = Math.max(peak, mib); // a process exiting has no VmHWM
    } catch {
      return;
    }
    for (const [child, parent] of parents) if (parent === pid) visit(child);
  };
  visit(root);
  return peak;
}

async function measurePack(): Promise<Measured> {
  const reportsDir = 'reports/bench-sandbox-pack';
  rmSync(reportsDir, { recursive: true, force: true });
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, treePeakMib(process.pid))), 250);
  try {
    const run = await runWitnessPack({ reportsRoot: reportsDir, output: 'capture', env: packEnvironment() });
    if (run.exitCode !== 0)
      throw new Error(`the witness pack failed:\n${run.output.split('\n').slice(-30).join('\n')}`);
    return { seconds: run.wallMs / 1000, peakMib: peak, rounds: [run.wallMs / 1000] };
  } finally {
    clearInterval(sampler);
  }
}

const kinds: Kind[] = [
  'bare',
  'sandbox',
  ...(existsSync(NHS_RUN) && process.env.BENCH_NHS !== '0' ? (['nhs'] as const) : []),
];
const row = (workload: string, kind: string, m: Measured | string, ratio?: string): void =>
  console.log(
    typeof m === 'string'
      ? `${workload.padEnd(28)} ${kind.padEnd(8)} ${m}`
      : `${workload.padEnd(28)} ${kind.padEnd(8)} ${m.seconds.toFixed(2).padStart(7)} s ${m.peakMib.toFixed(0).padStart(6)} MiB  ${(ratio ?? '').padEnd(12)} rounds ${m.rounds.map((s) => s.toFixed(2)).join(' ')}`,
  );

console.log(`${'workload'.padEnd(28)} ${'server'.padEnd(8)} ${'wall'.padStart(9)} ${'peak RSS'.padStart(10)}  x bare`);
let bare601: number | undefined;
for (const [name, workload] of WORKLOADS) {
  let bare: number | undefined;
  for (const kind of kinds) {
    try {
      const m = await measure(kind, workload);
      if (kind === 'bare') bare = m.seconds;
      if (kind === 'bare' && name.startsWith('601')) bare601 = m.seconds;
      row(name, kind, m, bare === undefined ? undefined : (m.seconds / bare).toFixed(2));
    } catch (error) {
      row(name, kind, `not measured: ${(error as Error).message.split('\n')[0]}`);
    }
  }
}
if (process.env.BENCH_PACK !== '0') {
  try {
    const m = await measurePack();
    row(
      'witness pack (whole)',
      'sandbox',
      m,
      bare601 === undefined ? undefined : `${(m.seconds / bare601).toFixed(1)} (x 601)`,
    );
  } catch (error) {
    row('witness pack (whole)', 'sandbox', `not measured: ${(error as Error).message}`);
  }
}
console.log(`load average while measuring: ${readFileSync('/proc/loadavg', 'utf8').trim()} (2 cores, shared)`);
