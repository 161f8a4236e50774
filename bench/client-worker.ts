/**
 * One side of the client benchmark, in its own process so that its peak RSS is the client's alone.
 * argv: send <gzip 0|1> <file>  |  download <accept gzip 0|1> <out file, or - for stdout> <message id>
 * Settings come as JSON in BENCH_CLIENT. Prints one JSON line on stderr (stdout may carry the content):
 * { messageId, bytes, seconds, peakRssMib, sha256 }.
 */
import { createWriteStream } from 'node:fs';
import { fileSource, MeshClient, type MeshClientOptions } from '../src/mesh/index.ts';
import { peakRssMib } from '../tests/support/peak-rss.ts';

const [mode, gzipFlag, file, messageIdArg] = process.argv.slice(2);
const options = JSON.parse(process.env.BENCH_CLIENT ?? '{}') as MeshClientOptions & { to: string };
const client = new MeshClient(options);
const started = process.hrtime.bigint();
let result: { messageId: string; bytes: number; sha256: string };
if (mode === 'send') {
  const sent = await client.sendChunked(
    { to: options.to, workflowId: 'MESH_ASSURE_TEST', gzip: gzipFlag === '1' },
    fileSource(file!),
  );
  result = { messageId: sent.messageId, bytes: sent.bytes, sha256: sent.sha256 };
} else {
  const sink = file === '-' ? process.stdout : createWriteStream(file!);
  const got = await client.downloadTo(messageIdArg!, sink, { acceptGzip: gzipFlag === '1' });
  result = { messageId: messageIdArg!, bytes: got.bytes, sha256: got.sha256 };
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
await client.close();
console.error(JSON.stringify({ ...result, seconds, peakRssMib: peakRssMib() }));
