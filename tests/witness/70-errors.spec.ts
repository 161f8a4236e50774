/**
 * Set "Errors": 701 authentication failure, 702 invalid recipient, 703 the non-delivery report of an
 * uncollected message, 704 a message that does not exist, 705 a message acknowledged or expired.
 */
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { attachJson } from '../../fixtures/evidence-steps.ts';
import { awaitDelivery, exchangesSince, inboxIds, receiveAndAcknowledge, sendAndTrack } from '../../fixtures/message-flows.ts';
import { pending703, pendingKey } from '../../fixtures/pending-cases.ts';
import { stateFile } from '../../fixtures/run-state.ts';
import { expect, notDemonstrable, test, witnessCase, type CaseContext } from '../../fixtures/witness.ts';
import { MeshError, type MeshClient } from '../../src/mesh/index.ts';

const DAY_MS = 86_400_000;
/** MESH expires an uncollected message after 5 days; the report is looked for a little later. */
const EXPIRY_MS = 5 * DAY_MS;
const REPORT_GRACE_MS = 6 * 3_600_000;
const UNREGISTERED_MAILBOX = 'X00UNREG01';
const VERIFIED_703 = 'verified-703.json';

/**
 * Runs `call`, expecting MESH to refuse it with `expected`; returns the error. A server that answers instead
 * fails the case with what the wire carried, not with an absent error.
 */
async function refused(ctx: CaseContext, what: string, expected: string, call: () => Promise<unknown>): Promise<MeshError> {
  const mark = ctx.pack.log.length;
  const error = await call().then(
    // A download the server should have refused: read its body, so its exchange (and status) is logged.
    async (answer) => {
      const body = (answer as { body?: Readable } | undefined)?.body;
      if (body) await finished(body.resume());
    },
    (e: unknown) => e,
  );
  if (error === undefined) {
    const status = exchangesSince(ctx.pack.log, mark, () => true).at(-1)?.status ?? 'success';
    throw new Error(`${what}: the server answered ${status} where MESH answers ${expected}`);
  }
  expect(error, `${what}: MESH refused the request`).toBeInstanceOf(MeshError);
  return error as MeshError;
}

/** A request MESH refuses with 403, made once: the log must show a single attempt. */
async function expect403Once(ctx: CaseContext, client: MeshClient, what: string): Promise<void> {
  await ctx.step(what, async () => {
    const mark = ctx.pack.log.length;
    const error = await refused(ctx, what, '403', () => client.listInbox());
    expect(error.status).toBe(403);
    expect(error.message).toContain('authentication failed');
    const attempts = exchangesSince(ctx.pack.log, mark, () => true);
    expect(attempts.map((e) => [e.status, e.attempt]), 'one attempt, no retry').toEqual([[403, 1]]);
  });
}

test(...witnessCase('701', async (ctx) => {
  const { pack } = ctx;
  const wrongPassword = pack.extraClient({ ...pack.settings.sut, password: randomBytes(12).toString('hex') });
  await expect403Once(ctx, wrongPassword, `a request for ${pack.sut.mailboxId} with a wrong password gets 403`);
  const admin = pack.admin;
  if (!admin) {
    ctx.partNotDemonstrable('disabled mailbox', 'disabling a mailbox needs the sandbox admin API');
    return;
  }
  await admin.setMailboxActive(pack.sut.mailboxId, false);
  try {
    await expect403Once(ctx, pack.sut, `a request from ${pack.sut.mailboxId} while its mailbox is disabled gets 403`);
  } finally {
    await admin.setMailboxActive(pack.sut.mailboxId, true);
  }
  await ctx.step(`${pack.sut.mailboxId} works again once enabled`, () => pack.sut.listInbox());
}));

test(...witnessCase('702', async (ctx) => {
  const { pack } = ctx;
  await ctx.step(`${pack.sut.mailboxId} sends to the unregistered mailbox ${UNREGISTERED_MAILBOX}: 417, SEND, code 12`, async () => {
    const error = await refused(ctx, `sending to ${UNREGISTERED_MAILBOX}`, '417 SEND/12', () =>
      pack.sut.send({ to: UNREGISTERED_MAILBOX, workflowId: pack.settings.workflowId, localId: '702' }, '702 to nobody'),
    );
    expect([error.status, error.event, error.meshCode]).toEqual([417, 'SEND', '12']);
    await attachJson('MESH error', { status: error.status, event: error.event, code: error.meshCode, description: error.description });
  });
}));

/** Finds, by its headers only (HEAD is no download), the REPORT in the sut inbox linked to `original`. */
async function findReport(ctx: CaseContext, original: string): Promise<string> {
  const { sut } = ctx.pack;
  return ctx.step(`${sut.mailboxId} looks in its inbox for the REPORT linked to ${original}`, async () => {
    const looked = new Set<string>();
    const deadline = Date.now() + ctx.pack.settings.deliveryTimeoutMs;
    for (let delay = 250; ; delay = Math.min(delay * 2, 15_000)) {
      for (const id of await inboxIds(sut)) {
        if (looked.has(id)) continue;
        looked.add(id);
        const head = await sut.head(id);
        if (head.messageType === 'REPORT' && head.linkedMessageId === original) return id;
      }
      if (Date.now() + delay > deadline) throw new Error(`no REPORT linked to ${original} reached ${sut.mailboxId} within ${ctx.pack.settings.deliveryTimeoutMs / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  });
}

/** Downloads the report, checks it says the original was not collected, acknowledges it; returns its id. */
async function handleReport(ctx: CaseContext, original: string): Promise<string> {
  const { pack } = ctx;
  const reportId = await findReport(ctx, original);
  await ctx.messageIds({ 'report id': reportId });
  const report = await receiveAndAcknowledge(ctx, pack.sut, reportId);
  expect(report.metadata.messageType).toBe('REPORT');
  expect([report.metadata.status.code, report.metadata.status.success, report.metadata.linkedMessageId]).toEqual(['14', false, original]);
  await ctx.step(`${pack.sut.mailboxId} tracks ${original}: undeliverable`, async () => {
    expect((await pack.sut.track(original)).status?.toLowerCase()).toBe('undeliverable');
  });
  return reportId;
}

/** 705 downloads this report again once 703 has acknowledged it in the same run. */
function recordVerified(ctx: CaseContext, original: string, reportId: string): void {
  stateFile.writeJson(VERIFIED_703, { runId: ctx.pack.run.runId, original, reportId });
}

test(...witnessCase('703', async (ctx) => {
  const { pack } = ctx;
  const dormant = pack.dormantMailboxId;
  if (!dormant) notDemonstrable('MESH_DORMANT_MAILBOX_ID is not set: 703 needs a mailbox nobody reads');
  const key = pendingKey(pack.settings.baseUrl ?? '', pack.sut.mailboxId);
  const waiting = pending703.get(key);
  if (waiting) {
    if (Date.now() < Date.parse(waiting.dueAt)) return ctx.pending(`the report on ${waiting.messageId}, sent ${waiting.sentAt}, is not due yet`, waiting.dueAt);
    await ctx.messageIds({ 'message id': waiting.messageId });
    recordVerified(ctx, waiting.messageId, await handleReport(ctx, waiting.messageId));
    pending703.clear(key);
    return;
  }
  const sent = await sendAndTrack(ctx, pack.sut, { to: dormant!, fileName: '703.txt' }, { kind: 'bytes', data: '703 left uncollected' });
  if (!pack.admin) {
    const dueAt = new Date(Date.now() + EXPIRY_MS + REPORT_GRACE_MS).toISOString();
    pending703.set(key, { messageId: sent.messageId, sentAt: new Date().toISOString(), dueAt, runId: pack.run.runId });
    return ctx.pending(`sent ${sent.messageId} to ${dormant}; run the pack again after the due date to check its report`, dueAt);
  }
  await ctx.step('five days and a minute pass on the sandbox clock', async () => {
    await attachJson('sandbox clock', await pack.admin!.advanceClock(EXPIRY_MS / 1000 + 60));
  });
  recordVerified(ctx, sent.messageId, await handleReport(ctx, sent.messageId));
}));

test(...witnessCase('704', async (ctx) => {
  const { sut } = ctx.pack;
  const unknown = `${new Date().toISOString().replace(/\D/g, '').slice(0, 20)}_${randomBytes(3).toString('hex').toUpperCase()}`;
  await ctx.messageIds({ 'unknown message id': unknown });
  await ctx.step(`${sut.mailboxId} downloads ${unknown}, which does not exist: 404, RECEIVE, code 20`, async () => {
    const what = `downloading ${unknown}, an id that does not exist`;
    const error = await refused(ctx, what, '404 RECEIVE/20', () => sut.downloadChunk(unknown, 1));
    expect([error.status, error.event, error.meshCode], what).toEqual([404, 'RECEIVE', '20']);
  });
}));

async function expectGone(ctx: CaseContext, client: MeshClient, messageId: string, why: string): Promise<void> {
  await ctx.step(`${client.mailboxId} downloads ${messageId} (${why}): 410 Gone`, async () => {
    const what = `downloading ${messageId} (${why})`;
    expect((await refused(ctx, what, '410 Gone', () => client.downloadChunk(messageId, 1))).status, what).toBe(410);
  });
}

test(...witnessCase('705', async (ctx) => {
  const { pack } = ctx;
  const acknowledged = await sendAndTrack(ctx, pack.sut, { to: pack.peer.mailboxId, fileName: '705.txt' }, { kind: 'bytes', data: '705 acknowledged' });
  await awaitDelivery(ctx, pack.peer, [acknowledged.messageId]);
  await receiveAndAcknowledge(ctx, pack.peer, acknowledged.messageId);
  await expectGone(ctx, pack.peer, acknowledged.messageId, 'acknowledged');
  const verified = stateFile.readJson<{ runId: string; reportId: string } | undefined>(VERIFIED_703, undefined);
  if (verified?.runId === pack.run.runId) await expectGone(ctx, pack.sut, verified.reportId, 'the 703 report, acknowledged');
  const dormant = await pack.dormant();
  if (!pack.admin || !dormant) {
    ctx.partNotDemonstrable('expired message', 'downloading an expired message needs the dormant mailbox credentials and the sandbox admin API');
    return;
  }
  const expiring = await sendAndTrack(ctx, pack.sut, { to: dormant.mailboxId, fileName: '705-expired.txt' }, { kind: 'bytes', data: '705 expired' }, 'expiring message');
  await awaitDelivery(ctx, dormant, [expiring.messageId]);
  await ctx.step(`the sandbox expires ${expiring.messageId} now`, async () => {
    await attachJson('expiry', await pack.admin!.expire(expiring.messageId));
  });
  await expectGone(ctx, dormant, expiring.messageId, 'expired');
  await handleReport(ctx, expiring.messageId);
}));
