/**
 * Set "High volume": 601, 600 messages waiting. MESH lists at most 500 ids per call, so the inbox shows
 * 500, each is downloaded and acknowledged, and the next listing shows the remaining 100. Messages in the
 * inbox that this run did not create are counted, reported and left alone.
 */
import { attachJson } from '../../fixtures/evidence-steps.ts';
import { sha256 } from '../../src/evidence/checksums.ts';
import { awaitDelivery, inboxIds } from '../../fixtures/message-flows.ts';
import type { MeshClient } from '../../src/mesh/index.ts';
import { productReceives, trackedAcknowledged } from '../../fixtures/product-flows.ts';
import { expect, test, witnessCase, type CaseContext, type ProductCaseContext } from '../../fixtures/witness.ts';

const MESSAGES = 600;
const PAGE = 500;

/** Downloads and acknowledges, one after the other, each listed message the run sent; returns their digests. */
async function drainOwn(
  ctx: CaseContext,
  client: MeshClient,
  listed: string[],
  expected: Map<string, string>,
): Promise<string[]> {
  const own = listed.filter((id) => expected.has(id));
  const digests = [];
  for (const id of own) {
    const got = await client.downloadTo(id, undefined, { acceptGzip: false });
    ctx.pack.ledger.assertMayAcknowledge(got.metadata);
    await client.acknowledge(id);
    digests.push({ messageId: id, bytes: got.bytes, sha256: got.sha256 });
  }
  await attachJson(`payloads: ${own.length} messages received`, digests);
  expect(
    digests.filter((d) => d.sha256 !== expected.get(d.messageId)),
    'messages whose content changed',
  ).toEqual([]);
  return own;
}

/** The counterpart puts MESSAGES messages in `to`'s inbox; returns their digests by message id. */
async function fillInbox(ctx: CaseContext, to: string): Promise<Map<string, string>> {
  const { pack } = ctx;
  const expected = new Map<string, string>();
  await ctx.step(`${pack.peer.mailboxId} sends ${MESSAGES} messages to ${to}`, async () => {
    for (let i = 1; i <= MESSAGES; i += 1) {
      const content = `601 message ${i} of ${MESSAGES}`;
      const { messageId } = await pack.peer.send(
        { to, workflowId: pack.settings.workflowId, localId: `601-${i}` },
        content,
      );
      pack.ledger.add(messageId, '601');
      expected.set(messageId, sha256(content));
    }
    await attachJson(
      'payloads: messages sent',
      [...expected].map(([messageId, digest]) => ({ messageId, sha256: digest })),
    );
  });
  const sentIds = [...expected.keys()];
  await ctx.messageIds({ 'first message id': sentIds[0]!, 'last message id': sentIds.at(-1)! });
  return expected;
}

/** 601 through the product: 600 waiting, every one received intact and acknowledged once, paged past 500. */
async function productHighVolume(ctx: ProductCaseContext): Promise<void> {
  ctx.needs('receive');
  const { pack } = ctx;
  const expected = await fillInbox(ctx, pack.sut.mailboxId);
  const ids = [...expected.keys()];
  ctx.facts.pagingFrom = (pack.admin?.now() ?? new Date()).toISOString();
  await productReceives(ctx, [...expected.values()], `receives the ${MESSAGES} waiting messages`);
  await trackedAcknowledged(ctx, pack.peer, ids[0]!);
  await trackedAcknowledged(ctx, pack.peer, ids.at(-1)!);
  const own = await ctx.productRequests();
  if (!own) return;
  await ctx.step(
    `the journal: each of the ${MESSAGES} acknowledged once by the product, and its inbox read past the first ${PAGE}`,
    async () => {
      const acks = new Map<string, number>();
      for (const r of own)
        if (r.kind === 'acknowledge' && r.status === 200) acks.set(r.messageId!, (acks.get(r.messageId!) ?? 0) + 1);
      expect(
        ids.filter((id) => acks.get(id.toUpperCase()) !== 1),
        'messages not acknowledged exactly once',
      ).toEqual([]);
      expect(own.filter((r) => r.kind === 'inbox').length, 'inbox reads').toBeGreaterThan(1);
    },
  );
}

test(
  ...witnessCase(
    '601',
    async (ctx) => {
      const { pack } = ctx;
      const { sut } = pack;
      const before = await ctx.step(`${sut.mailboxId} counts what is already waiting`, () => inboxIds(sut));
      if (before.length > 0)
        ctx.partNotDemonstrable(
          'exact 500 then 100',
          `${before.length} messages this run did not create were already waiting; they are counted and left unacknowledged`,
        );
      const expected = await fillInbox(ctx, sut.mailboxId);
      const sentIds = [...expected.keys()];
      await awaitDelivery(ctx, sut, sentIds);
      const waiting = before.length + MESSAGES;
      const first = await ctx.step(`${sut.mailboxId} lists its inbox: ${PAGE} ids`, async () => {
        const page = (await sut.listInbox()).messages;
        expect(page).toHaveLength(Math.min(PAGE, waiting));
        return page;
      });
      const firstOwn = await ctx.step(`${sut.mailboxId} downloads and acknowledges each listed message`, () =>
        drainOwn(ctx, sut, first, expected),
      );
      const second = await ctx.step(
        `${sut.mailboxId} lists its inbox again: the remaining ${MESSAGES - PAGE}`,
        async () => {
          const page = (await sut.listInbox()).messages;
          expect(page).toHaveLength(Math.min(PAGE, waiting - firstOwn.length));
          return page;
        },
      );
      const secondOwn = await ctx.step(`${sut.mailboxId} downloads and acknowledges each listed message`, () =>
        drainOwn(ctx, sut, second, expected),
      );
      expect(firstOwn.length + secondOwn.length).toBe(MESSAGES);
      await ctx.step(`${sut.mailboxId} lists its inbox a last time: none of the ${MESSAGES} is left`, async () => {
        const after = await inboxIds(sut);
        expect(after.filter((id) => expected.has(id))).toEqual([]);
        expect(after.length).toBe(before.length);
      });
    },
    productHighVolume,
  ),
);
