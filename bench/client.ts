/**
 * npm run bench:client [-- --mib 1024 --rounds 3 --only 'gzip accepted']
 * The client on the paths users take, each beside curl making the same requests to the same sandbox in
 * the same run: a chunked message (20 MiB chunks, mutual TLS on loopback) sent plain and gzipped, then
 * downloaded, stored plain and stored gzip, with gzip accepted and refused. curl gets fresh NHSMESH
 * tokens, gzips its chunks with gzip(1) when the client does, decodes with --compressed when the client
 * accepts gzip, and writes one file. Each pair runs back to back (curl first) so that a machine slowing
 * down hits both sides; the round with the median ratio is reported. Ratio = curl's time / the client's
 * (1.00 = as fast as curl; target >= 0.90 on downloads). Also reports the client's peak RSS (target
 * < 150 MiB), to a file and to stdout, and with and without the V8 flags bin/mesh-assure.mjs sets.
 */
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  closeSync,
  createReadStream,
  createWriteStream,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished, pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { DEFAULT_CHUNK_BYTES } from '../src/mesh/index.ts';
import { makeAuthToken, MEDIA_V2 } from '../src/protocol/index.ts';
import { startSandbox } from '../src/sandbox/index.ts';

const run = promisify(execFile);
const arg = (name: string, fallback: number) =>
  Number(process.argv[process.argv.indexOf(`--${name}`) + 1] || fallback) || fallback;
const mib = arg('mib', 1024);
const rounds = arg('rounds', 3);
/** `--only <text>`: measure only the paths whose name contains it (the sends always run: they make the messages). */
const only = process.argv.includes('--only') ? (process.argv[process.argv.indexOf('--only') + 1] ?? '') : '';
const size = mib * 1024 * 1024;
const chunkCount = Math.ceil(size / DEFAULT_CHUNK_BYTES);
const work = mkdtempSync(join(tmpdir(), 'bench-client-'));
const payload = join(work, 'payload.bin');
/** The process owner's V8 choices, as bin/mesh-assure.mjs makes them. */
const OWNER_FLAGS = ['--expose-gc', '--liftoff-only'];

async function writePayload(): Promise<void> {
  // Incompressible but deterministic: a 1 MiB xorshift block, one byte changed per block. Chunk files for
  // curl's uploads are cut from it too (setup, not timed).
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
  for (let n = 1; n <= chunkCount; n += 1) {
    const start = (n - 1) * DEFAULT_CHUNK_BYTES;
    await pipeline(
      createReadStream(payload, { start, end: Math.min(size, start + DEFAULT_CHUNK_BYTES) - 1 }),
      createWriteStream(chunkFile(n)),
    );
  }
}
const chunkFile = (n: number) => join(work, `chunk-${n}`);

interface Measured {
  seconds: number;
  peakRssMib?: number;
  messageId?: string;
  sha256?: string;
  bytes?: number;
}

async function main(): Promise<void> {
  console.log(
    `bench:client: ${mib} MiB message in ${chunkCount} chunks of 20 MiB, mutual TLS on loopback, ${rounds} round(s)`,
  );
  await writePayload();
  const sandbox = await startSandbox({ tls: 'mtls', dataDir: join(work, 'sandbox'), maxRequestBytes: 100_000_000 });
  const tls = sandbox.tls!;
  const ids = { X26ABC1: tls.clients.X26ABC1!, X26ABC2: tls.clients.X26ABC2! };
  const common = {
    baseUrl: sandbox.baseUrl,
    sharedKey: sandbox.sharedKey,
    password: 'password',
    caCertPath: tls.caCertPath,
  };
  const token = (mailboxId: string) => makeAuthToken({ sharedKey: sandbox.sharedKey, mailboxId, password: 'password' });

  const worker = async (
    mailboxId: 'X26ABC1' | 'X26ABC2',
    args: string[],
    options: { flags?: string[]; stdoutTo?: string } = {},
  ): Promise<Measured> => {
    const env = {
      ...process.env,
      BENCH_CLIENT: JSON.stringify({
        ...common,
        mailboxId,
        to: 'X26ABC2',
        tls: { certPath: ids[mailboxId].certPath, keyPath: ids[mailboxId].keyPath },
      }),
    };
    const out = options.stdoutTo ? openSync(options.stdoutTo, 'w') : 'ignore';
    const child = spawn(
      process.execPath,
      [...(options.flags ?? OWNER_FLAGS), '--import', 'tsx', 'bench/client-worker.ts', ...args],
      { env, stdio: ['ignore', out, 'pipe'] },
    );
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const [code] = (await once(child, 'exit')) as [number];
    if (typeof out === 'number') closeSync(out);
    if (code !== 0) throw new Error(`worker ${args.join(' ')} failed: ${stderr}`);
    return JSON.parse(stderr.trim().split('\n').at(-1)!) as Measured;
  };

  /** One curl process making `requests` in order over the same mutual TLS, a fresh token each, all bodies into `output`. */
  const curl = async (
    mailboxId: 'X26ABC1' | 'X26ABC2',
    requests: { path: string; extra: string[] }[],
    output: string,
  ): Promise<{ seconds: number }> => {
    const lines = [
      `cacert = "${tls.caCertPath}"`,
      `cert = "${ids[mailboxId].certPath}"`,
      `key = "${ids[mailboxId].keyPath}"`,
    ];
    const config = requests
      .map((r, i) =>
        [
          ...(i > 0 ? ['next'] : []),
          ...lines,
          `url = "${sandbox.baseUrl}${r.path}"`,
          `header = "Authorization: ${token(mailboxId)}"`,
          `header = "Accept: ${MEDIA_V2}"`,
          'silent',
          'show-error',
          'fail',
          ...r.extra,
        ].join('\n'),
      )
      .join('\n');
    const file = join(work, 'curl.cfg');
    writeFileSync(file, config, { mode: 0o600 });
    const started = process.hrtime.bigint();
    await run('sh', ['-c', `curl -K '${file}' > '${output}'`]);
    return { seconds: Number(process.hrtime.bigint() - started) / 1e9 };
  };

  /**
   * curl sending the payload as a chunked message: chunk 1 alone (its answer names the message), chunks
   * 2..N in one curl process; with gzip, each chunk is first gzipped by gzip(1), timed.
   */
  const curlSend = async (gzip: boolean): Promise<{ seconds: number }> => {
    const started = process.hrtime.bigint();
    const wire = (n: number) => (gzip ? `${chunkFile(n)}.gz` : chunkFile(n));
    if (gzip)
      for (let n = 1; n <= chunkCount; n += 1) await run('sh', ['-c', `gzip -c '${chunkFile(n)}' > '${wire(n)}'`]);
    const upload = (n: number) => [
      'request = "POST"',
      `upload-file = "${wire(n)}"`,
      'header = "Expect:"',
      `header = "mex-chunk-range: ${n}:${chunkCount}"`,
      'header = "Content-Type: application/octet-stream"',
      ...(gzip ? ['header = "Content-Encoding: gzip"'] : []),
    ];
    const first = join(work, 'first.json');
    await curl(
      'X26ABC1',
      [
        {
          path: '/messageexchange/X26ABC1/outbox',
          extra: [...upload(1), 'header = "mex-to: X26ABC2"', 'header = "mex-workflowid: MESH_ASSURE_TEST"'],
        },
      ],
      first,
    );
    const messageId = (JSON.parse(readFileSync(first, 'utf8')) as { message_id: string }).message_id;
    const rest = Array.from({ length: chunkCount - 1 }, (_, i) => ({
      path: `/messageexchange/X26ABC1/outbox/${messageId}/${i + 2}`,
      extra: upload(i + 2),
    }));
    if (rest.length > 0) await curl('X26ABC1', rest, join(work, 'rest.json'));
    return { seconds: Number(process.hrtime.bigint() - started) / 1e9 };
  };

  const download = (
    messageId: string,
    acceptGzip: boolean,
    out: string,
    options: { flags?: string[]; stdout?: boolean } = {},
  ) =>
    worker('X26ABC2', ['download', acceptGzip ? '1' : '0', options.stdout ? '-' : out, messageId], {
      flags: options.flags,
      ...(options.stdout ? { stdoutTo: out } : {}),
    });
  const curlDownload = (messageId: string, acceptGzip: boolean, out: string) =>
    curl(
      'X26ABC2',
      Array.from({ length: chunkCount }, (_, i) => ({
        path: `/messageexchange/X26ABC2/inbox/${messageId}${i === 0 ? '' : `/${i + 1}`}`,
        extra: acceptGzip ? ['compressed'] : [],
      })),
      out,
    );

  const rows: { path: string; client: number; curl: number; peak: number }[] = [];
  const pairRounds = async (path: string, pair: () => Promise<{ client: Measured; curl: number }>) => {
    if (only && !path.includes(only) && !path.startsWith('send')) return;
    const results: { client: Measured; curl: number }[] = [];
    for (let round = 1; round <= rounds; round += 1) {
      const r = await pair();
      results.push(r);
      console.log(
        `  ${path}, round ${round}: client ${r.client.seconds.toFixed(2)} s, curl ${r.curl.toFixed(2)} s, ratio ${(r.curl / r.client.seconds).toFixed(2)}, peak RSS ${r.client.peakRssMib?.toFixed(0)} MiB`,
      );
    }
    const median = [...results].sort((a, b) => a.curl / a.client.seconds - b.curl / b.client.seconds)[
      Math.floor(results.length / 2)
    ]!;
    rows.push({
      path,
      client: median.client.seconds,
      curl: median.curl,
      peak: Math.max(...results.map((r) => r.client.peakRssMib ?? 0)),
    });
  };

  // Sends: each round sends the payload once by curl and once by the client. The client's message ids
  // are kept for the downloads (plain-stored, gzip-stored).
  const stored: Record<'plain' | 'gzip', { messageId: string; sha256: string }> = {} as never;
  for (const gzip of [false, true]) {
    await pairRounds(`send, ${gzip ? 'each chunk gzipped' : 'plain'}`, async () => {
      const byCurl = await curlSend(gzip);
      const client = await worker('X26ABC1', ['send', gzip ? '1' : '0', payload]);
      stored[gzip ? 'gzip' : 'plain'] = { messageId: client.messageId!, sha256: client.sha256! };
      return { client, curl: byCurl.seconds };
    });
  }

  const out = join(work, 'out.bin');
  const curlOut = join(work, 'curl-out.bin');
  for (const storedAs of ['plain', 'gzip'] as const) {
    for (const acceptGzip of [true, false]) {
      const { messageId, sha256 } = stored[storedAs];
      await pairRounds(
        `download ${storedAs}-stored, gzip ${acceptGzip ? 'accepted' : 'refused'}, to a file`,
        async () => {
          const byCurl = await curlDownload(messageId, acceptGzip, curlOut);
          const client = await download(messageId, acceptGzip, out);
          if (client.sha256 !== sha256 || client.bytes !== size)
            throw new Error(`download ${storedAs}-stored: the content differs from what was sent`);
          return { client, curl: byCurl.seconds };
        },
      );
    }
  }
  // The default path again, to stdout, and without the process owner's V8 flags: memory is the question.
  for (const storedAs of ['plain', 'gzip'] as const) {
    await pairRounds(`download ${storedAs}-stored, gzip accepted, to stdout`, async () => {
      const byCurl = await curlDownload(stored[storedAs].messageId, true, curlOut);
      return { client: await download(stored[storedAs].messageId, true, out, { stdout: true }), curl: byCurl.seconds };
    });
  }
  await pairRounds('download plain-stored, gzip accepted, to a file, without --expose-gc --liftoff-only', async () => {
    const byCurl = await curlDownload(stored.plain.messageId, true, curlOut);
    return { client: await download(stored.plain.messageId, true, out, { flags: [] }), curl: byCurl.seconds };
  });
  await sandbox.close();
  rmSync(work, { recursive: true, force: true });

  console.log(
    `\nmedian of ${rounds} round(s) (the round with the median ratio; peak RSS is the highest of all rounds)`,
  );
  console.log('| path | client s | curl s | ratio curl/client | client peak RSS |');
  console.log('|---|---|---|---|---|');
  let ok = true;
  for (const r of rows) {
    const ratio = r.curl / r.client;
    if ((r.path.startsWith('download') && ratio < 0.9) || (r.peak >= 150 && !r.path.includes('without'))) ok = false;
    console.log(
      `| ${r.path} | ${r.client.toFixed(2)} | ${r.curl.toFixed(2)} | ${ratio.toFixed(2)} | ${r.peak.toFixed(0)} MiB |`,
    );
  }
  console.log(
    `\ntargets (downloads >= 0.90 of curl, peak RSS < 150 MiB with the owner's flags): ${ok ? 'met' : 'NOT met'}`,
  );
}

await main();
