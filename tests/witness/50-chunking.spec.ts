/**
 * Set "Chunking": a message over 200 MB (MESH_LARGE_MESSAGE_MB, default 210) received (501) and sent (502)
 * in chunks. The payload is generated as it is sent and its digest computed on the fly: nothing large is
 * stored or committed.
 */
import { generatedPayload } from '../../fixtures/generated-payload.ts';
import { awaitDelivery, exchangesSince, receiveAndAcknowledge, sendAndTrack, type Received } from '../../fixtures/message-flows.ts';
import { DEFAULT_CHUNK_BYTES, type MeshClient, type SendResult } from '../../src/mesh/index.ts';
import { expect, test, witnessCase, type CaseContext } from '../../fixtures/witness.ts';

/** Sends the large generated message from one client to the other and receives it; returns both ends. */
async function moveLargeMessage(ctx: CaseContext, from: MeshClient, to: MeshClient): Promise<{ sent: SendResult; got: Received; generatedSha256: string; chunks: number }> {
  const size = Math.round(ctx.pack.settings.largeMessageMb * 1_000_000);
  const payload = generatedPayload(size, Number(ctx.witness.id));
  const chunks = Math.ceil(size / DEFAULT_CHUNK_BYTES);
  const sent = await sendAndTrack(ctx, from, { to: to.mailboxId, fileName: `${ctx.witness.id}.bin` }, { kind: 'chunked', source: payload, chunkSize: DEFAULT_CHUNK_BYTES }, `${ctx.pack.settings.largeMessageMb} MB message`);
  await awaitDelivery(ctx, to, [sent.messageId]);
  // Random bytes do not compress: asking for gzip would only make the server burn CPU on them.
  const got = await receiveAndAcknowledge(ctx, to, sent.messageId, { acceptGzip: false });
  const generatedSha256 = payload.sha256();
  expect([sent.chunks, sent.bytes, sent.sha256]).toEqual([chunks, size, generatedSha256]);
  expect([got.bytes, got.sha256]).toEqual([size, generatedSha256]);
  return { sent, got, generatedSha256, chunks };
}

test(...witnessCase('501', async (ctx) => {
  const { pack } = ctx;
  const mark = pack.log.length;
  const { sent, chunks } = await moveLargeMessage(ctx, pack.peer, pack.sut);
  await ctx.step(`${pack.sut.mailboxId} fetched chunk 1 with 206 and 1:${chunks}, then chunks 2..${chunks}`, async () => {
    const gets = exchangesSince(pack.log, mark, (e) => e.mailboxId === pack.sut.mailboxId && e.method === 'GET' && e.path.includes(`/inbox/${sent.messageId}`));
    // Every chunk but the last is partial content (206); the last completes the message (200).
    const expected = Array.from({ length: chunks }, (_, i) => [i === 0 ? sent.messageId : String(i + 1), i + 1 < chunks ? 206 : 200, `${i + 1}:${chunks}`]);
    expect(gets.map((e) => [e.path.split('/').at(-1), e.status, e.responseHeaders['mex-chunk-range']])).toEqual(expected);
  });
}));

test(...witnessCase('502', async (ctx) => {
  const { pack } = ctx;
  const mark = pack.log.length;
  const { sent, chunks } = await moveLargeMessage(ctx, pack.sut, pack.peer);
  await ctx.step(`${pack.sut.mailboxId} sent chunk 1 on /outbox with 1:${chunks}, then chunks 2..${chunks} on /outbox/{id}/{n}`, async () => {
    const posts = exchangesSince(pack.log, mark, (e) => e.mailboxId === pack.sut.mailboxId && e.method === 'POST' && e.path.includes('/outbox'));
    expect([posts[0]?.path.endsWith('/outbox'), posts[0]?.requestHeaders['mex-chunk-range'], posts[0]?.status]).toEqual([true, `1:${chunks}`, 202]);
    expect(posts.slice(1).map((e) => [e.path.split('/outbox/')[1], e.requestHeaders['mex-chunk-range'], e.status])).toEqual(
      Array.from({ length: chunks - 1 }, (_, i) => [`${sent.messageId}/${i + 2}`, `${i + 2}:${chunks}`, 202]),
    );
  });
}));
