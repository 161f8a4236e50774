/**
 * Set "Chunking": a message over 200 MB (MESH_LARGE_MESSAGE_MB, default 210) received (501) and sent (502)
 * in chunks. The payload is generated as it is sent and its digest computed on the fly: nothing large is
 * stored or committed.
 */
import { generatedPayload } from '../../fixtures/generated-payload.ts';
import {
  awaitDelivery,
  exchangesSince,
  receiveAndAcknowledge,
  sendAndTrack,
  type Received,
} from '../../fixtures/message-flows.ts';
import { DEFAULT_CHUNK_BYTES, type MeshClient, type SendResult } from '../../src/mesh/index.ts';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import {
  counterpartReceives,
  downloadedThenAcknowledged,
  productReceives,
  productSends,
  trackedAcknowledged,
} from '../../fixtures/product-flows.ts';
import { expect, test, witnessCase, type CaseContext, type ProductCaseContext } from '../../fixtures/witness.ts';

const largeSize = (ctx: CaseContext) => Math.round(ctx.pack.settings.largeMessageMb * 1_000_000);

async function productReceivesChunked(ctx: ProductCaseContext): Promise<void> {
  ctx.needs('receive');
  const { pack } = ctx;
  const payload = generatedPayload(largeSize(ctx), 501);
  const sent = await sendAndTrack(
    ctx,
    pack.peer,
    { to: pack.sut.mailboxId, fileName: '501.bin' },
    { kind: 'chunked', source: payload, chunkSize: DEFAULT_CHUNK_BYTES },
    `${pack.settings.largeMessageMb} MB message`,
  );
  ctx.facts.chunked.push({ messageId: sent.messageId, chunks: sent.chunks });
  await productReceives(ctx, [payload.sha256()], `receives the chunked message ${sent.messageId}`);
  await trackedAcknowledged(ctx, pack.peer, sent.messageId);
  await downloadedThenAcknowledged(ctx, sent.messageId, sent.chunks);
}

async function productSendsChunked(ctx: ProductCaseContext): Promise<void> {
  ctx.needs('send');
  const { pack } = ctx;
  const payload = generatedPayload(largeSize(ctx), 502);
  // The product needs a file to send; it is removed with the product's working folder at the end of the run.
  const file = join(await ctx.product.folder('502-to-send'), '502.bin');
  await pipeline(payload.open(0, payload.size), createWriteStream(file));
  const sent = await productSends(ctx, {
    to: pack.peer.mailboxId,
    file,
    label: `502 (${pack.settings.largeMessageMb} MB)`,
  });
  expect(sent.result.code, 'the send command succeeded').toBe(0);
  const got = await counterpartReceives(ctx, pack.peer, sent, payload.sha256());
  expect(got.metadata.chunk.total, 'chunks of the message at the counterpart').toBeGreaterThan(1);
  const own = await ctx.productRequests();
  if (!own) return;
  await ctx.step(
    'the journal: chunk 1 on /outbox with 1:N, then chunks 2..N on /outbox/{id}/{n}, each accepted',
    async () => {
      const posts = own.filter((r) => r.kind === 'send' || r.kind === 'send-chunk');
      const total = got.metadata.chunk.total;
      expect(posts.map((r) => [r.kind, r.headers?.['mex-chunk-range'], r.status])).toEqual(
        Array.from({ length: total }, (_, i) => [i === 0 ? 'send' : 'send-chunk', `${i + 1}:${total}`, 202]),
      );
    },
  );
}

/** Sends the large generated message from one client to the other and receives it; returns both ends. */
async function moveLargeMessage(
  ctx: CaseContext,
  from: MeshClient,
  to: MeshClient,
): Promise<{ sent: SendResult; got: Received; generatedSha256: string; chunks: number }> {
  const size = largeSize(ctx);
  const payload = generatedPayload(size, Number(ctx.witness.id));
  const chunks = Math.ceil(size / DEFAULT_CHUNK_BYTES);
  const sent = await sendAndTrack(
    ctx,
    from,
    { to: to.mailboxId, fileName: `${ctx.witness.id}.bin` },
    { kind: 'chunked', source: payload, chunkSize: DEFAULT_CHUNK_BYTES },
    `${ctx.pack.settings.largeMessageMb} MB message`,
  );
  await awaitDelivery(ctx, to, [sent.messageId]);
  // Random bytes do not compress: asking for gzip would only make the server burn CPU on them.
  const got = await receiveAndAcknowledge(ctx, to, sent.messageId, { acceptGzip: false });
  const generatedSha256 = payload.sha256();
  expect([sent.chunks, sent.bytes, sent.sha256]).toEqual([chunks, size, generatedSha256]);
  expect([got.bytes, got.sha256]).toEqual([size, generatedSha256]);
  return { sent, got, generatedSha256, chunks };
}

test(
  ...witnessCase(
    '501',
    async (ctx) => {
      const { pack } = ctx;
      const mark = pack.log.length;
      const { sent, chunks } = await moveLargeMessage(ctx, pack.peer, pack.sut);
      await ctx.step(
        `${pack.sut.mailboxId} fetched chunk 1 with 206 and 1:${chunks}, then chunks 2..${chunks}`,
        async () => {
          const gets = exchangesSince(
            pack.log,
            mark,
            (e) =>
              e.mailboxId === pack.sut.mailboxId && e.method === 'GET' && e.path.includes(`/inbox/${sent.messageId}`),
          );
          // Every chunk but the last is partial content (206); the last completes the message (200).
          const expected = Array.from({ length: chunks }, (_, i) => [
            i === 0 ? sent.messageId : String(i + 1),
            i + 1 < chunks ? 206 : 200,
            `${i + 1}:${chunks}`,
          ]);
          expect(gets.map((e) => [e.path.split('/').at(-1), e.status, e.responseHeaders['mex-chunk-range']])).toEqual(
            expected,
          );
        },
      );
    },
    productReceivesChunked,
  ),
);

test(
  ...witnessCase(
    '502',
    async (ctx) => {
      const { pack } = ctx;
      const mark = pack.log.length;
      const { sent, chunks } = await moveLargeMessage(ctx, pack.sut, pack.peer);
      await ctx.step(
        `${pack.sut.mailboxId} sent chunk 1 on /outbox with 1:${chunks}, then chunks 2..${chunks} on /outbox/{id}/{n}`,
        async () => {
          const posts = exchangesSince(
            pack.log,
            mark,
            (e) => e.mailboxId === pack.sut.mailboxId && e.method === 'POST' && e.path.includes('/outbox'),
          );
          expect([
            posts[0]?.path.endsWith('/outbox'),
            posts[0]?.requestHeaders['mex-chunk-range'],
            posts[0]?.status,
          ]).toEqual([true, `1:${chunks}`, 202]);
          expect(
            posts.slice(1).map((e) => [e.path.split('/outbox/')[1], e.requestHeaders['mex-chunk-range'], e.status]),
          ).toEqual(
            Array.from({ length: chunks - 1 }, (_, i) => [`${sent.messageId}/${i + 2}`, `${i + 2}:${chunks}`, 202]),
          );
        },
      );
    },
    productSendsChunked,
  ),
);
