/** Set "Sending": 201 uncompressed and 202 compressed, each tracked and checked byte for byte on arrival. */
import { textPayload } from '../../fixtures/generated-payload.ts';
import { sha256 } from '../../src/evidence/checksums.ts';
import { awaitDelivery, exchangesSince, receiveAndAcknowledge, sendAndTrack } from '../../fixtures/message-flows.ts';
import { counterpartReceives, productSends } from '../../fixtures/product-flows.ts';
import { expect, test, witnessCase, type ProductCaseContext } from '../../fixtures/witness.ts';

/** 201 and 202 through the product: it sends, the counterpart gets the same bytes, flagged as the case says. */
async function productSendCase(ctx: ProductCaseContext, gzip: boolean): Promise<void> {
  ctx.needs(gzip ? 'sendGzip' : 'send');
  const content = textPayload(ctx.witness.id);
  const sent = await productSends(ctx, { to: ctx.pack.peer.mailboxId, content, gzip });
  expect(sent.result.code, 'the send command succeeded').toBe(0);
  const got = await counterpartReceives(ctx, ctx.pack.peer, sent, sha256(content));
  expect(got.metadata.compressed, 'mex-content-compressed at the counterpart').toBe(gzip);
  const own = await ctx.productRequests();
  if (!own) return;
  await ctx.step(
    `the journal: the product's send was ${gzip ? 'gzip-encoded and flagged mex-content-compressed' : 'plain'}, accepted with 202`,
    async () => {
      const sends = own.filter((r) => r.kind === 'send');
      expect(
        sends.map((r) => [
          r.status,
          r.headers?.['content-encoding'],
          r.headers?.['mex-content-compressed']?.toUpperCase(),
        ]),
      ).toEqual([[202, gzip ? 'gzip' : undefined, gzip ? 'Y' : undefined]]);
    },
  );
}

const isSend = (e: { method: string; path: string }) => e.method === 'POST' && e.path.endsWith('/outbox');

test(
  ...witnessCase(
    '201',
    async (ctx) => {
      const { pack } = ctx;
      const content = textPayload('201');
      const mark = pack.log.length;
      const sent = await sendAndTrack(
        ctx,
        pack.sut,
        { to: pack.peer.mailboxId, fileName: '201.txt', contentType: 'text/plain' },
        { kind: 'bytes', data: content },
      );
      await ctx.step('the message went as one plain request and was accepted with 202', async () => {
        const [send] = exchangesSince(pack.log, mark, isSend);
        expect([send?.status, send?.requestHeaders['content-encoding'], send?.sentSha256]).toEqual([
          202,
          undefined,
          sha256(content),
        ]);
      });
      await awaitDelivery(ctx, pack.peer, [sent.messageId]);
      const got = await receiveAndAcknowledge(ctx, pack.peer, sent.messageId, { acceptGzip: false });
      expect([got.bytes, got.sha256]).toEqual([Buffer.byteLength(content), sha256(content)]);
      expect([got.metadata.from, got.metadata.workflowId]).toEqual([pack.sut.mailboxId, pack.settings.workflowId]);
    },
    (ctx) => productSendCase(ctx, false),
  ),
);

test(
  ...witnessCase(
    '202',
    async (ctx) => {
      const { pack } = ctx;
      const content = textPayload('202');
      const mark = pack.log.length;
      const sent = await sendAndTrack(
        ctx,
        pack.sut,
        { to: pack.peer.mailboxId, fileName: '202.txt', contentType: 'text/plain', gzip: true, compressed: true },
        { kind: 'bytes', data: content },
      );
      await ctx.step(
        'the message went gzip-encoded, flagged mex-content-compressed, and was accepted with 202',
        async () => {
          const [send] = exchangesSince(pack.log, mark, isSend);
          expect([
            send?.status,
            send?.requestHeaders['content-encoding'],
            send?.requestHeaders['mex-content-compressed'],
          ]).toEqual([202, 'gzip', 'Y']);
          expect(send!.bytesSent).toBeLessThan(Buffer.byteLength(content));
        },
      );
      await awaitDelivery(ctx, pack.peer, [sent.messageId]);
      const got = await receiveAndAcknowledge(ctx, pack.peer, sent.messageId);
      expect([got.bytes, got.sha256, got.metadata.compressed]).toEqual([
        Buffer.byteLength(content),
        sha256(content),
        true,
      ]);
    },
    (ctx) => productSendCase(ctx, true),
  ),
);
