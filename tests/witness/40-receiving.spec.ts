/** Set "Receiving": 401 uncompressed and 402 compressed downloads, each acknowledged at once and gone after. */
import { textPayload } from '../../fixtures/generated-payload.ts';
import { sha256 } from '../../src/evidence/checksums.ts';
import {
  awaitDelivery,
  exchangesSince,
  inboxIds,
  receiveAndAcknowledge,
  sendAndTrack,
} from '../../fixtures/message-flows.ts';
import { downloadedThenAcknowledged, productReceives, trackedAcknowledged } from '../../fixtures/product-flows.ts';
import { expect, test, witnessCase, type CaseContext, type ProductCaseContext } from '../../fixtures/witness.ts';

async function receiveCase(ctx: CaseContext, acceptGzip: boolean): Promise<void> {
  const { pack } = ctx;
  const content = textPayload(ctx.witness.id);
  const sent = await sendAndTrack(
    ctx,
    pack.peer,
    { to: pack.sut.mailboxId, fileName: `${ctx.witness.id}.txt`, contentType: 'text/plain' },
    { kind: 'bytes', data: content },
  );
  await awaitDelivery(ctx, pack.sut, [sent.messageId]);
  const mark = pack.log.length;
  const got = await receiveAndAcknowledge(ctx, pack.sut, sent.messageId, { acceptGzip });
  await ctx.step(
    'the download was a DATA message, encoded as asked, and the acknowledgement was accepted',
    async () => {
      const [download, ack, ...rest] = exchangesSince(pack.log, mark, (e) =>
        e.path.includes(`/inbox/${sent.messageId}`),
      );
      expect(rest).toEqual([]);
      expect([download?.method, download?.status, download?.responseHeaders['mex-messagetype']]).toEqual([
        'GET',
        200,
        'DATA',
      ]);
      expect(download?.requestHeaders['accept-encoding']).toBe(acceptGzip ? 'gzip' : undefined);
      expect(download?.responseHeaders['content-encoding']).toBe(acceptGzip ? 'gzip' : undefined);
      expect([ack?.method, ack?.status]).toEqual(['PUT', 200]);
    },
  );
  expect([got.bytes, got.sha256, got.metadata.messageType]).toEqual([
    Buffer.byteLength(content),
    sha256(content),
    'DATA',
  ]);
  await ctx.step(`${pack.sut.mailboxId} checks the message has left its inbox`, async () => {
    expect(await inboxIds(pack.sut)).not.toContain(sent.messageId);
  });
}

/** 401 and 402 through the product: the counterpart sends (gzip-encoded for 402), the product receives. */
async function productReceiveCase(ctx: ProductCaseContext, gzip: boolean): Promise<void> {
  ctx.needs('receive');
  const { pack } = ctx;
  const content = textPayload(ctx.witness.id);
  const sent = await sendAndTrack(
    ctx,
    pack.peer,
    { to: pack.sut.mailboxId, fileName: `${ctx.witness.id}.txt`, contentType: 'text/plain', gzip, compressed: gzip },
    { kind: 'bytes', data: content },
  );
  await productReceives(ctx, [sha256(content)], `receives ${sent.messageId}`);
  await trackedAcknowledged(ctx, pack.peer, sent.messageId);
  await downloadedThenAcknowledged(ctx, sent.messageId);
}

test(
  ...witnessCase(
    '401',
    (ctx) => receiveCase(ctx, false),
    (ctx) => productReceiveCase(ctx, false),
  ),
);
test(
  ...witnessCase(
    '402',
    (ctx) => receiveCase(ctx, true),
    (ctx) => productReceiveCase(ctx, true),
  ),
);
