/** Set "Sending": 201 uncompressed and 202 compressed, each tracked and checked byte for byte on arrival. */
import { textPayload } from '../../fixtures/generated-payload.ts';
import { sha256 } from '../../src/evidence/checksums.ts';
import { awaitDelivery, exchangesSince, receiveAndAcknowledge, sendAndTrack } from '../../fixtures/message-flows.ts';
import { expect, test, witnessCase } from '../../fixtures/witness.ts';

const isSend = (e: { method: string; path: string }) => e.method === 'POST' && e.path.endsWith('/outbox');

test(...witnessCase('201', async (ctx) => {
  const { pack } = ctx;
  const content = textPayload('201');
  const mark = pack.log.length;
  const sent = await sendAndTrack(ctx, pack.sut, { to: pack.peer.mailboxId, fileName: '201.txt', contentType: 'text/plain' }, { kind: 'bytes', data: content });
  await ctx.step('the message went as one plain request and was accepted with 202', async () => {
    const [send] = exchangesSince(pack.log, mark, isSend);
    expect([send?.status, send?.requestHeaders['content-encoding'], send?.sentSha256]).toEqual([202, undefined, sha256(content)]);
  });
  await awaitDelivery(ctx, pack.peer, [sent.messageId]);
  const got = await receiveAndAcknowledge(ctx, pack.peer, sent.messageId, { acceptGzip: false });
  expect([got.bytes, got.sha256]).toEqual([Buffer.byteLength(content), sha256(content)]);
  expect([got.metadata.from, got.metadata.workflowId]).toEqual([pack.sut.mailboxId, pack.settings.workflowId]);
}));

test(...witnessCase('202', async (ctx) => {
  const { pack } = ctx;
  const content = textPayload('202');
  const mark = pack.log.length;
  const sent = await sendAndTrack(ctx, pack.sut, { to: pack.peer.mailboxId, fileName: '202.txt', contentType: 'text/plain', gzip: true, compressed: true }, { kind: 'bytes', data: content });
  await ctx.step('the message went gzip-encoded, flagged mex-content-compressed, and was accepted with 202', async () => {
    const [send] = exchangesSince(pack.log, mark, isSend);
    expect([send?.status, send?.requestHeaders['content-encoding'], send?.requestHeaders['mex-content-compressed']]).toEqual([202, 'gzip', 'Y']);
    expect(send!.bytesSent).toBeLessThan(Buffer.byteLength(content));
  });
  await awaitDelivery(ctx, pack.peer, [sent.messageId]);
  const got = await receiveAndAcknowledge(ctx, pack.peer, sent.messageId);
  expect([got.bytes, got.sha256, got.metadata.compressed]).toEqual([Buffer.byteLength(content), sha256(content), true]);
}));
