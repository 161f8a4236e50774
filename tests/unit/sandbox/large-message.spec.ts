/** A 1 GiB message up and down through a sandbox child process whose peak RSS must stay under 150 MB. */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { makeAuthToken, MEDIA_V2 } from '../../../src/protocol/index.ts';
import { expect, PEER, SUT, test, WORKFLOW } from './helpers.ts';
import { startSandboxProcess } from '../../support/sandbox-process.ts';

const TOTAL = 1024 * 1024 * 1024;
const CHUNK = 64 * 1024 * 1024; // under the 100 MB per-request limit
const BLOCK = 1024 * 1024;

/** Deterministic bytes, 1 MiB blocks each stamped with its offset, hashed as they are produced. */
async function* generated(
  offset: number,
  length: number,
  digest: ReturnType<typeof createHash>,
): AsyncGenerator<Buffer> {
  const block = Buffer.alloc(BLOCK);
  for (let i = 0; i < BLOCK; i += 4) block.writeUInt32LE((i * 2654435761) >>> 0, i);
  for (let at = offset; at < offset + length; at += BLOCK) {
    const piece = Buffer.from(block.subarray(0, Math.min(BLOCK, offset + length - at)));
    piece.writeUInt32LE(at / BLOCK, 0);
    digest.update(piece);
    yield piece;
  }
}

test('1 GiB chunked upload and download keep the sandbox under 150 MB RSS', async () => {
  test.setTimeout(240_000);
  const dataDir = await mkdtemp(join(tmpdir(), 'sandbox-large-'));
  const sandbox = await startSandboxProcess(['--data-dir', dataDir]);
  const auth = (mailboxId: string) => ({
    accept: MEDIA_V2,
    authorization: makeAuthToken({ sharedKey: sandbox.ready.sharedKey, mailboxId, password: 'password' }),
  });
  try {
    const chunks = Math.ceil(TOTAL / CHUNK);
    const sent = createHash('sha256');
    let id = '';
    for (let n = 1; n <= chunks; n++) {
      const length = Math.min(CHUNK, TOTAL - (n - 1) * CHUNK);
      const path = n === 1 ? `/messageexchange/${SUT}/outbox` : `/messageexchange/${SUT}/outbox/${id}/${n}`;
      const res = await request(`${sandbox.ready.baseUrl}${path}`, {
        method: 'POST',
        headers: {
          ...auth(SUT),
          'mex-to': PEER,
          'mex-workflowid': WORKFLOW,
          'mex-chunk-range': `${n}:${chunks}`,
          'content-length': String(length),
        },
        body: Readable.from(generated((n - 1) * CHUNK, length, sent)),
      });
      const body = (await res.body.json()) as { message_id: string };
      expect(res.statusCode).toBe(202);
      id = body.message_id;
    }
    const uploadPeak = sandbox.peakRss();

    const received = createHash('sha256');
    let bytes = 0;
    for (let n = 1; n <= chunks; n++) {
      const res = await request(`${sandbox.ready.baseUrl}/messageexchange/${PEER}/inbox/${id}/${n}`, {
        headers: auth(PEER),
      });
      expect(res.statusCode).toBe(n < chunks ? 206 : 200);
      for await (const piece of res.body) {
        received.update(piece as Buffer);
        bytes += (piece as Buffer).length;
      }
    }
    expect(bytes).toBe(TOTAL);
    expect(received.digest('hex')).toBe(sent.digest('hex'));
    const peak = sandbox.peakRss();
    console.log(
      `1 GiB through the sandbox: peak RSS ${(uploadPeak / 1e6).toFixed(1)} MB after upload, ${(peak / 1e6).toFixed(1)} MB after download`,
    );
    expect(peak).toBeLessThan(150_000_000);
  } finally {
    await sandbox.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
});
