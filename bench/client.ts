/**
 * npm run bench:client [-- --mib 1024]
 * Sends and downloads one large chunked message (1 GiB by default), plain and gzip, through the embedded
 * sandbox over mutual TLS on loopback, and compares the client's throughput with the limit measured in the
 * same run: curl moving the same bytes over the same TLS settings to a bare Node sink and from a bare Node
 * source. Plain transfers run three rounds, each beside its own curl run; the round with the median ratio
 * is reported. Reports MB/s, the ratio to that limit, and the client's peak RSS (target: under 150 MiB).
 */
import { execFile } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { promisify } from 'node:util';
import { startSandbox } from '../src/sandbox/index.ts';

const run = promisify(execFile);
const mib = Number(process.argv[process.argv.indexOf('--mib') + 1] || 1024) || 1024;
const size = mib * 1024 * 1024;
/** Plain transfers are measured this many times, each beside its own curl run. */
const ROUNDS = 3;
const work = mkdtempSync(join(tmpdir(), 'bench-client-'));
const payload = join(work, 'payload.bin');

async function writePayload(): Promise<void> {
  // Incompressible-ish but deterministic: a 1 MiB xorshift block, shifted by one byte per block.
  const block = Buffer.allocUnsafe(1024 * 1024);
  let x = 2463534242;
  for (let i = 0; i < block.length; i += 1) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    block[i] = x & 0xff;
  }
  const out = createWriteStream(payload);
  for (let i = 0; i < mib; i += 1) {
    block[i % block.length] = i & 0xff;
    if (!out.write(Buffer.from(block))) await once(out, 'drain');
  }
  out.end();
  await finished(out);
}

interface WorkerResult {
  messageId: string;
  bytes: number;
  seconds: number;
  peakRssMib: number;
  sha256: string;
}

async function worker(env: Record<string, unknown>, args: string[]): Promise<WorkerResult> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'bench/client-worker.ts', ...args], {
    env: { ...process.env, BENCH_CLIENT: JSON.stringify(env) },
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as WorkerResult;
}

const mbps = (bytes: number, seconds: number) => bytes / 1e6 / seconds;

async function main(): Promise<void> {
  console.log(`bench:client: ${mib} MiB message, mutual TLS on loopback`);
  await writePayload();
  const sandbox = await startSandbox({ tls: 'mtls', dataDir: join(work, 'sandbox'), maxRequestBytes: 100_000_000 });
  const tls = sandbox.tls!;
  const sender = tls.clients.X26ABC1!;
  const receiver = tls.clients.X26ABC2!;
  const common = { baseUrl: sandbox.baseUrl, sharedKey: sandbox.sharedKey, password: 'password', caCertPath: tls.caCertPath };
  const rows: { name: string; mbps: number; peak: number; limit?: number }[] = [];

  // The limit: curl to a bare Node sink and from a bare Node source, same certificates, same loopback.
  const bare = createServer(
    { cert: readFileSync(tls.serverCertPath), key: readFileSync(tls.serverKeyPath), ca: readFileSync(tls.caCertPath), requestCert: true, rejectUnauthorized: true },
    (req, res) => {
      if (req.method === 'POST') {
        req.resume();
        req.on('end', () => res.writeHead(202).end());
      } else {
        res.writeHead(200, { 'content-length': size });
        createReadStream(payload).pipe(res);
      }
    },
  );
  await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
  const bareUrl = `https://127.0.0.1:${(bare.address() as AddressInfo).port}/`;
  const curl = async (extra: string[]) => {
    const { stdout } = await run('curl', ['-sS', '--fail', '--cacert', tls.caCertPath, '--cert', sender.certPath, '--key', sender.keyPath, '-o', '/dev/null', '-w', '%{time_total}', ...extra, bareUrl]);
    return mbps(size, Number(stdout));
  };
  const send = (gzip: boolean) => worker({ ...common, mailboxId: 'X26ABC1', to: 'X26ABC2', tls: { certPath: sender.certPath, keyPath: sender.keyPath } }, ['send', gzip ? '1' : '0', payload]);
  const download = async (gzip: boolean, sent: WorkerResult) => {
    const got = await worker({ ...common, mailboxId: 'X26ABC2', tls: { certPath: receiver.certPath, keyPath: receiver.keyPath } }, ['download', gzip ? '1' : '0', payload, sent.messageId]);
    if (got.sha256 !== sent.sha256 || got.bytes !== size) throw new Error(`${gzip ? 'gzip' : 'plain'}: downloaded content differs from what was sent`);
    return got;
  };

  // Plain transfers: ROUNDS rounds, each measuring curl and then the client back to back, so that a
  // machine slowing down for a while hits both sides of a ratio; the median round is reported.
  const pairs: Record<'send' | 'download', { client: number; limit: number; peak: number }[]> = { send: [], download: [] };
  for (let round = 1; round <= ROUNDS; round++) {
    const upLimit = await curl(['-X', 'POST', '-T', payload]);
    const sent = await send(false);
    const downLimit = await curl([]);
    const got = await download(false, sent);
    pairs.send.push({ client: mbps(sent.bytes, sent.seconds), limit: upLimit, peak: sent.peakRssMib });
    pairs.download.push({ client: mbps(got.bytes, got.seconds), limit: downLimit, peak: got.peakRssMib });
    console.log(`round ${round}: send ${pairs.send.at(-1)!.client.toFixed(0)} MB/s (curl ${upLimit.toFixed(0)}), download ${pairs.download.at(-1)!.client.toFixed(0)} MB/s (curl ${downLimit.toFixed(0)})`);
  }
  bare.close();
  for (const name of ['send', 'download'] as const) {
    const runs = pairs[name];
    const median = [...runs].sort((a, b) => a.client / a.limit - b.client / b.limit)[Math.floor(runs.length / 2)]!;
    rows.push({ name: `${name} plain`, mbps: median.client, limit: median.limit, peak: Math.max(...runs.map((r) => r.peak)) });
  }
  // gzip is bounded by compression: measured once, reported beside.
  const sentGzip = await send(true);
  const gotGzip = await download(true, sentGzip);
  rows.push({ name: 'send gzip', mbps: mbps(sentGzip.bytes, sentGzip.seconds), peak: sentGzip.peakRssMib });
  rows.push({ name: 'download gzip', mbps: mbps(gotGzip.bytes, gotGzip.seconds), peak: gotGzip.peakRssMib });
  await sandbox.close();
  rmSync(work, { recursive: true, force: true });

  console.log(`\nmedian of ${ROUNDS} rounds for plain transfers (the round with the median ratio; peak RSS is the highest of all rounds)`);
  console.log('| transfer | MB/s | curl limit MB/s | vs curl limit | client peak RSS |');
  console.log('|---|---|---|---|---|');
  let ok = true;
  for (const r of rows) {
    const ratio = r.limit ? r.mbps / r.limit : undefined;
    if ((ratio !== undefined && ratio < 0.7) || r.peak >= 150) ok = false;
    console.log(`| ${r.name} | ${r.mbps.toFixed(0)} | ${r.limit?.toFixed(0) ?? '-'} | ${ratio === undefined ? 'n/a (bounded by gzip)' : `${(ratio * 100).toFixed(0)}%`} | ${r.peak.toFixed(0)} MiB |`);
  }
  console.log(`\ntargets: peak RSS < 150 MiB, plain >= 70% of the limit: ${ok ? 'met' : 'NOT met'}`);
}

await main();
