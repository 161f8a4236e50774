/**
 * Set "High volume": 601, 600 messages waiting. MESH lists at most 500 ids per call, so the inbox shows
 * 500, each is downloaded and acknowledged, and the next listing shows the remaining 100. Messages in the
 * inbox that this run did not create are counted, reported and left alone.
 */
import { attachJson } from '../../fixtures/evidence-steps.ts';
import { sha256 } from '../../src/evidence/checksums.ts';
import { awaitDelivery, inboxIds } from '../../fixtures/message-flows.ts';
import type { MeshClient } from '../../src/mesh/index.ts';
import { expect, test, witnessCase, type CaseContext } from '../../fixtures/witness.ts';

const MESSAGES = 600;
const PAGE = 500;

/** Downloads and acknowledges, one after the other, each listed message the run sent; returns their digests. */
async function drainOwn(ctx: CaseContext, client: MeshClient, listed: string[], expected: Map<string, string>): Promise<string[]> {
  const own = listed.filter((id) => expected.has(id));
  const digests = [];
  for (const id of own) {
    const got = await client.downloadTo(id, undefined, { acceptGzip: false });
    ctx.pack.ledger.assertMayAcknowledge(got.metadata);
    await client.acknowledge(id);
    digests.push({ messageId: id, bytes: got.bytes, sha256: got.sha256 });
  }
  await attachJson(`payloads: ${own.length} messages received`, digests);
  expect(digests.filter((d) => d.sha256 !== expected.get(d.messageId)), 'messages whose content changed').toEqual([]);
  return own;
}

test(...witnessCase('601', async (ctx) => {
  const { pack } = ctx;
  const { sut, peer } = pack;
  const before = await ctx.step(`${sut.mailboxId} counts what is already waiting`, () => inboxIds(sut));
  if (before.length > 0) ctx.partNotDemonstrable('exact 500 then 100', `${before.length} messages this run did not create were already waiting; they are counted and left unacknowledged`);
  const expected = new Map<string, string>();
  await ctx.step(`${peer.mailboxId} sends ${MESSAGES} messages to ${sut.mailboxId}`, async () => {
    for (let i = 1; i <= MESSAGES; i += 1) {
      const content = `601 message ${i} of ${MESSAGES}`;
      const { messageId } = await peer.send({ to: sut.mailboxId, workflowId: pack.settings.workflowId, localId: `601-${i}` }, content);
      pack.ledger.add(messageId, '601');
      expected.set(messageId, sha256(content));
    }
    await attachJson('payloads: messages sent', [...expected].map(([messageId, digest]) => ({ messageId, sha256: digest })));
  });
  const sentIds = [...expected.keys()];
  await ctx.messageIds({ 'first message id': sentIds[0]!, 'last message id': sentIds.at(-1)! });
  await awaitDelivery(ctx, sut, sentIds);
  const waiting = before.length + MESSAGES;
  const first = await ctx.step(`${sut.mailboxId} lists its inbox: ${PAGE} ids`, async () => {
    const page = (await sut.listInbox()).messages;
    expect(page).toHaveLength(Math.min(PAGE, waiting));
    return page;
  });
  const firstOwn = await ctx.step(`${sut.mailboxId} downloads and acknowledges each listed message`, () => drainOwn(ctx, sut, first, expected));
  const second = await ctx.step(`${sut.mailboxId} lists its inbox again: the remaining ${MESSAGES - PAGE}`, async () => {
    const page = (await sut.listInbox()).messages;
    expect(page).toHaveLength(Math.min(PAGE, waiting - firstOwn.length));
    return page;
  });
  const secondOwn = await ctx.step(`${sut.mailboxId} downloads and acknowledges each listed message`, () => drainOwn(ctx, sut, second, expected));
  expect(firstOwn.length + secondOwn.length).toBe(MESSAGES);
  await ctx.step(`${sut.mailboxId} lists its inbox a last time: none of the ${MESSAGES} is left`, async () => {
    const after = await inboxIds(sut);
    expect(after.filter((id) => expected.has(id))).toEqual([]);
    expect(after.length).toBe(before.length);
  });
}));
