/**
 * Set "Errors": 701 authentication failure, 702 invalid recipient, 703 the non-delivery report of an
 * uncollected message, 704 a message that does not exist, 705 a message acknowledged or expired.
 */
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { attachJson } from '../../fixtures/evidence-steps.ts';
import {
  awaitDelivery,
  exchangesSince,
  inboxIds,
  receiveAndAcknowledge,
  sendAndTrack,
} from '../../fixtures/message-flows.ts';
import { pending703, pendingKey } from '../../src/pack/pending-cases.ts';
import { stateFile } from '../../src/pack/run-state.ts';
import { digestsIn } from '../../fixtures/product-driver.ts';
import type { CommandResult } from '../../src/pack/product-command.ts';
import {
  findFromProduct,
  productReceives,
  productRequestsOn,
  productSends,
  trackedAcknowledged,
} from '../../fixtures/product-flows.ts';
import {
  expect,
  notDemonstrable,
  test,
  witnessCase,
  type CaseContext,
  type ProductCaseContext,
} from '../../fixtures/witness.ts';
import type { SandboxAdmin } from '../../fixtures/sandbox-admin.ts';
import { serverNow } from '../../fixtures/server-clock.ts';
import { succeeded, type RequestRecord } from '../../src/behaviour/index.ts';
import { sha256 } from '../../src/evidence/checksums.ts';
import { MeshError, type MeshClient } from '../../src/mesh/index.ts';

const DAY_MS = 86_400_000;
/** MESH expires an uncollected message after 5 days; the report is looked for a little later. */
const EXPIRY_MS = 5 * DAY_MS;
const REPORT_GRACE_MS = 6 * 3_600_000;
const UNREGISTERED_MAILBOX = 'X00UNREG01';
const VERIFIED_703 = 'verified-703.json';
const NO_DORMANT = 'MESH_DORMANT_MAILBOX_ID is not set: 703 needs a mailbox nobody reads';
/** How long the product gets to give up after a 403: one that retries forever is stopped here. */
const GIVE_UP_WITHIN_MS = 30_000;
/** Requests refused with 403 that still count as reporting it, not a retry storm. */
const MOST_403_ATTEMPTS = 3;

/**
 * Runs `call`, expecting MESH to refuse it with `expected`; returns the error. A server that answers instead
 * fails the case with what the wire carried, not with an absent error.
 */
async function refused(
  ctx: CaseContext,
  what: string,
  expected: string,
  call: () => Promise<unknown>,
): Promise<MeshError> {
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
    expect(
      attempts.map((e) => [e.status, e.attempt]),
      'one attempt, no retry',
    ).toEqual([[403, 1]]);
  });
}

/**
 * How 701 refuses the product: on the sandbox its mailbox is disabled through the admin API; on any other
 * server (no admin API) its receive runs with a wrong MESH_MAILBOX_PASSWORD, which every MESH server
 * refuses with 403 as it would a disabled mailbox's.
 */
async function refuseProduct(
  ctx: ProductCaseContext,
  receive: (environment: Record<string, string>, how: string) => Promise<CommandResult>,
): Promise<CommandResult> {
  const { admin } = ctx.pack;
  const mailbox = ctx.product.mailboxId;
  if (!admin) return receive({ MESH_MAILBOX_PASSWORD: randomBytes(12).toString('hex') }, 'with a wrong password');
  await ctx.step(`the sandbox disables ${mailbox}`, () => admin.setMailboxActive(mailbox, false));
  try {
    return await receive({}, `while ${mailbox} is disabled`);
  } finally {
    await admin.setMailboxActive(mailbox, true);
  }
}

/** 701 through the product: refused with 403, it gives up instead of retrying. */
async function productAuthFailure(ctx: ProductCaseContext): Promise<void> {
  ctx.needs('receive');
  const dir = await ctx.product.folder('701-received');
  const result = await refuseProduct(ctx, (environment, how) =>
    ctx.product.run(
      'receive',
      { dir },
      `runs a receive cycle ${how}`,
      Math.min(GIVE_UP_WITHIN_MS, ctx.product.mode.commandTimeoutMs),
      environment,
    ),
  );
  expect(
    result.stoppedAtDeadline,
    `the product gave up within ${GIVE_UP_WITHIN_MS / 1000} s instead of retrying until stopped`,
  ).toBe(false);
  expect(result.code, 'the product reported the failure (non-zero exit)').not.toBe(0);
  const own = await ctx.productRequests();
  if (!own)
    return ctx.partNotDemonstrable(
      '403 and no retry storm',
      "the server's answer to the product is seen only in the sandbox journal or through the recording relay",
    );
  await ctx.step(`the journal: 403, and at most ${MOST_403_ATTEMPTS} attempts`, async () => {
    const refused = own.filter((r) => r.status === 403);
    expect(refused.length, 'requests refused with 403').toBeGreaterThan(0);
    expect(refused.length, 'requests refused with 403: a retry storm').toBeLessThanOrEqual(MOST_403_ATTEMPTS);
  });
}

test(
  ...witnessCase(
    '701',
    async (ctx) => {
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
        await expect403Once(
          ctx,
          pack.sut,
          `a request from ${pack.sut.mailboxId} while its mailbox is disabled gets 403`,
        );
      } finally {
        await admin.setMailboxActive(pack.sut.mailboxId, true);
      }
      await ctx.step(`${pack.sut.mailboxId} works again once enabled`, () => pack.sut.listInbox());
    },
    productAuthFailure,
  ),
);

/** 702 through the product: its send to an unregistered mailbox gets 417 code 12; it fails and does not send again. */
async function productInvalidRecipient(ctx: ProductCaseContext): Promise<void> {
  ctx.needs('send');
  const sent = await productSends(ctx, { to: UNREGISTERED_MAILBOX, content: '702 to nobody' });
  expect(sent.result.code, 'the send command reported the refusal (non-zero exit)').not.toBe(0);
  const own = await ctx.productRequests();
  if (!own)
    return ctx.partNotDemonstrable(
      '417 and no second send',
      "the server's answer to the product is seen only in the sandbox journal or through the recording relay",
    );
  await ctx.step(`the journal: one send to ${UNREGISTERED_MAILBOX}, refused with 417, never repeated`, async () => {
    const sends = own.filter((r) => r.kind === 'send' && r.to === UNREGISTERED_MAILBOX);
    expect(sends.map((r) => r.status)).toEqual([417]);
  });
}

test(
  ...witnessCase(
    '702',
    async (ctx) => {
      const { pack } = ctx;
      await ctx.step(
        `${pack.sut.mailboxId} sends to the unregistered mailbox ${UNREGISTERED_MAILBOX}: 417, SEND, code 12`,
        async () => {
          const error = await refused(ctx, `sending to ${UNREGISTERED_MAILBOX}`, '417 SEND/12', () =>
            pack.sut.send(
              { to: UNREGISTERED_MAILBOX, workflowId: pack.settings.workflowId, localId: '702' },
              '702 to nobody',
            ),
          );
          expect([error.status, error.event, error.meshCode]).toEqual([417, 'SEND', '12']);
          await attachJson('MESH error', {
            status: error.status,
            event: error.event,
            code: error.meshCode,
            description: error.description,
          });
        },
      );
    },
    productInvalidRecipient,
  ),
);

/** Finds, by its headers only (HEAD is no download), the REPORT in `client`'s inbox linked to `original`. */
async function findReport(ctx: CaseContext, client: MeshClient, original: string): Promise<string> {
  return ctx.step(`${client.mailboxId} looks in its inbox for the REPORT linked to ${original}`, async () => {
    const looked = new Set<string>();
    const deadline = Date.now() + ctx.pack.settings.deliveryTimeoutMs;
    for (let delay = 250; ; delay = Math.min(delay * 2, 15_000)) {
      for (const id of await inboxIds(client)) {
        if (looked.has(id)) continue;
        looked.add(id);
        const head = await client.head(id);
        if (head.messageType === 'REPORT' && head.linkedMessageId === original) return id;
      }
      if (Date.now() + delay > deadline)
        throw new Error(
          `no REPORT linked to ${original} reached ${client.mailboxId} within ${ctx.pack.settings.deliveryTimeoutMs / 1000} s`,
        );
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  });
}

async function trackedUndeliverable(ctx: CaseContext, sender: MeshClient, original: string): Promise<void> {
  await ctx.step(`${sender.mailboxId} tracks ${original}: undeliverable`, async () => {
    expect((await sender.track(original)).status?.toLowerCase()).toBe('undeliverable');
  });
}

/** Downloads the report, checks it says the original was not collected, acknowledges it; returns its id. */
async function handleReport(ctx: CaseContext, original: string): Promise<string> {
  const { pack } = ctx;
  const reportId = await findReport(ctx, pack.sut, original);
  await ctx.messageIds({ 'report id': reportId });
  const report = await receiveAndAcknowledge(ctx, pack.sut, reportId);
  expect(report.metadata.messageType).toBe('REPORT');
  expect([report.metadata.status.code, report.metadata.status.success, report.metadata.linkedMessageId]).toEqual([
    '14',
    false,
    original,
  ]);
  await trackedUndeliverable(ctx, pack.sut, original);
  return reportId;
}

/** 705 downloads this report again once 703 has acknowledged it in the same run. */
function recordVerified(ctx: CaseContext, original: string, reportId: string): void {
  stateFile.writeJson(VERIFIED_703, { runId: ctx.pack.run.runId, original, reportId });
}

/** The journal of the server the product talked to: it downloaded the REPORT and then acknowledged it. */
async function productDownloadedAndAcknowledged(ctx: ProductCaseContext, reportId: string): Promise<void> {
  await ctx.step(`the journal: the product downloaded the REPORT ${reportId} and acknowledged it`, async () => {
    const own = (await productRequestsOn(ctx, reportId))!;
    expect(own.map((r) => [r.kind, r.status]).filter(([kind]) => kind !== 'head')).toEqual([
      ['download', 200],
      ['acknowledge', 200],
    ]);
  });
}

/**
 * 703 through the product, on the sandbox: its message to the dormant mailbox is expired through the admin
 * API (the product signs with real time, so the sandbox clock stays put), and the product downloads and
 * acknowledges the REPORT.
 */
async function productUndeliveredOnSandbox(ctx: ProductCaseContext, admin: SandboxAdmin): Promise<void> {
  const dormant = (await ctx.pack.dormant())!;
  const content = `703 left uncollected ${randomBytes(8).toString('hex')}`;
  const sent = await productSends(ctx, { to: dormant.mailboxId, content });
  expect(sent.result.code, 'the send command succeeded').toBe(0);
  // Found by its sender alone: downloading it at the dormant mailbox would collect it.
  const original = sent.printedId ?? (await findFromProduct(ctx, dormant, undefined, undefined)).messageId;
  ctx.pack.ledger.add(original, '703');
  await ctx.messageIds({ 'message id': original });
  const expiry = await ctx.step(`the sandbox expires ${original}: a REPORT goes to the product`, () =>
    admin.expire(original),
  );
  await attachJson('expiry', expiry);
  const reportId = expiry.report_message_id;
  expect(reportId, 'the REPORT the sandbox wrote').toBeDefined();
  await ctx.messageIds({ 'report id': reportId! });
  ctx.facts.reportIds.push(reportId!);
  const dir = await ctx.product.folder('703-received');
  const handled = async () =>
    Boolean((await productRequestsOn(ctx, reportId!))?.some((r) => r.kind === 'acknowledge' && r.status === 200));
  await ctx.product.receiveUntil(dir, handled, `receives the REPORT ${reportId}`);
  await productDownloadedAndAcknowledged(ctx, reportId!);
}

/** The server's time: 703's report is due by the clock of the server that expires the message, not by this machine's. */
const serverClock = (ctx: CaseContext): Promise<Date> =>
  ctx.step("the server's clock, from the Date of its answer", () => serverNow(ctx.pack.peer, ctx.pack.log));

/**
 * 703 through the product off the embedded sandbox, in two runs. First run: the product sends to the dormant
 * mailbox, and the case is pending until five days and six hours later by the server's clock. A run after
 * that: the product's receive runs, and the case passes when it downloaded the REPORT on exactly that
 * message and then acknowledged it, as the relay's journal shows; where no journal shows the product's
 * requests, when the REPORT left its inbox and the message tracks as undeliverable.
 */
async function productUndeliveredTwoPhase(ctx: ProductCaseContext): Promise<void> {
  const { pack } = ctx;
  const dormant = pack.dormantMailboxId;
  if (!dormant) notDemonstrable(NO_DORMANT);
  const key = pendingKey(pack.settings.baseUrl ?? '', ctx.product.mailboxId, 'product');
  const waiting = pending703.get(key);
  const now = await serverClock(ctx);
  if (!waiting) return productSendsUncollected(ctx, key, dormant!, now);
  await ctx.messageIds({ 'message id': waiting.messageId });
  if (now.getTime() < Date.parse(waiting.dueAt))
    return ctx.pending(
      `the report on ${waiting.messageId}, which the product sent ${waiting.sentAt}, is not due yet by the server's clock (${now.toISOString()})`,
      waiting.dueAt,
    );
  await productHandlesReport(ctx, waiting.messageId);
  pending703.clear(key);
}

/** The id of the product's last accepted send to `to`, as the journal of the server it talked to recorded it. */
async function sentIdInJournal(ctx: ProductCaseContext, to: string): Promise<string | undefined> {
  const entries = (await ctx.product.journal?.entries()) ?? [];
  return entries.findLast(
    (e) =>
      e.method === 'POST' &&
      e.path.split('?')[0]!.endsWith('/outbox') &&
      e.status === 202 &&
      e.headers['mex-to']?.trim().toUpperCase() === to.toUpperCase(),
  )?.messageId;
}

async function productSendsUncollected(
  ctx: ProductCaseContext,
  key: string,
  dormant: string,
  now: Date,
): Promise<void> {
  const { pack } = ctx;
  const sent = await productSends(ctx, {
    to: dormant,
    content: `703 left uncollected ${randomBytes(8).toString('hex')}`,
  });
  expect(sent.result.code, 'the send command succeeded').toBe(0);
  const original = sent.printedId ?? (await sentIdInJournal(ctx, dormant));
  if (!original)
    throw new Error(
      `the product's message to ${dormant} cannot be followed to its report: its send command printed no message id, and the pack cannot see the product's requests on this target (the recording relay shows them in front of an https target); have the command print the id MESH returned`,
    );
  pack.ledger.add(original, '703');
  await ctx.messageIds({ 'message id': original });
  const dueAt = new Date(now.getTime() + EXPIRY_MS + REPORT_GRACE_MS).toISOString();
  pending703.set(key, { messageId: original, sentAt: now.toISOString(), dueAt, runId: pack.run.runId });
  ctx.pending(
    `the product sent ${original} to ${dormant}; run the pack again after the due date, when its receive must download and acknowledge the REPORT`,
    dueAt,
  );
}

/** What the product did with the REPORT on one message, as a journal shows it. */
interface ReportHandling {
  /** The REPORT, from the first answer (HEAD or download) that named that message as its linked one. */
  reportId?: string;
  /** Its first successful download. */
  download?: RequestRecord;
  /** Its first successful acknowledgement after that download. */
  acknowledged?: RequestRecord;
}

/** The product's handling of the REPORT on `original`, from what the answers to its own requests said. */
function reportHandling(own: readonly RequestRecord[], original: string): ReportHandling {
  const onOriginal = (r: RequestRecord) =>
    succeeded(r) &&
    r.answer?.messageType === 'REPORT' &&
    r.answer.linkedMessageId?.toUpperCase() === original.toUpperCase();
  const reportId = own.find((r) => (r.kind === 'head' || r.kind === 'download') && onOriginal(r))?.messageId;
  if (!reportId) return {};
  const download = own.find((r) => r.kind === 'download' && r.messageId === reportId && onOriginal(r));
  const acknowledged =
    download &&
    own.find((r) => r.kind === 'acknowledge' && r.messageId === reportId && succeeded(r) && r.index > download.index);
  return { reportId, download, acknowledged };
}

/**
 * The second phase where the product's requests are seen (the relay's journal): its receive runs until it
 * has downloaded the REPORT on `original` and acknowledged it. Everything is learnt from the answers the
 * product itself got: the pack makes no request on the product's mailbox.
 */
async function productHandlesReportSeen(ctx: ProductCaseContext, original: string): Promise<void> {
  const handling = async () => reportHandling((await ctx.productRequests()) ?? [], original);
  const runs = await ctx.product.receiveUntil(
    await ctx.product.folder('703-received'),
    async () => (await handling()).acknowledged !== undefined,
    `receives the REPORT on ${original}`,
  );
  const { reportId, download, acknowledged } = await handling();
  if (reportId) {
    await ctx.messageIds({ 'report id': reportId });
    ctx.facts.reportIds.push(reportId);
  }
  await ctx.step(
    `the journal: the product downloaded the REPORT on ${original} (not collected: ERROR, code 14), then acknowledged it`,
    async () => {
      if (!reportId)
        throw new Error(
          `the product neither downloaded nor looked at a REPORT linked to ${original} in ${runs.length} receive cycles: its receive must download every message in its inbox, REPORTs too`,
        );
      expect(
        download,
        `the product looked at the REPORT ${reportId} on ${original} but never downloaded it`,
      ).toBeDefined();
      expect(
        [download!.answer?.statusSuccess, download!.answer?.statusCode],
        `what the REPORT ${reportId} says of ${original} (mex-StatusSuccess, mex-StatusCode)`,
      ).toEqual(['ERROR', '14']);
      expect(
        acknowledged,
        `the product downloaded the REPORT ${reportId} on ${original} but did not acknowledge it (no 2xx to PUT .../inbox/${reportId}/status/acknowledged after the download)`,
      ).toBeDefined();
    },
  );
}

/**
 * The second phase where the product's requests are not seen (a plain-HTTP target: no relay): our client
 * calls on the product's mailbox, straight to the target, to find the REPORT by its headers, to see it
 * leave the inbox and to track the message.
 */
async function productHandlesReportUnseen(ctx: ProductCaseContext, original: string): Promise<void> {
  const sut = await ctx.pack.sutForTracking();
  const reportId = await findReport(ctx, sut, original);
  await ctx.messageIds({ 'report id': reportId });
  ctx.facts.reportIds.push(reportId);
  const acknowledged = async () => !(await inboxIds(sut)).includes(reportId);
  await ctx.product.receiveUntil(
    await ctx.product.folder('703-received'),
    acknowledged,
    `receives the REPORT ${reportId}`,
  );
  await ctx.step(`${sut.mailboxId}'s inbox: the REPORT ${reportId} was acknowledged (it left the inbox)`, async () => {
    expect(await acknowledged(), `the REPORT ${reportId} is still in ${sut.mailboxId}'s inbox`).toBe(true);
  });
  await trackedUndeliverable(ctx, sut, original);
  ctx.partNotDemonstrable(
    'the download of the REPORT',
    `the product's own requests are seen only in the sandbox journal or through the recording relay (an https target); its acknowledgement is seen in its inbox, by our client calling on ${sut.mailboxId} at the target`,
  );
}

/** The second phase: the product's receive collects the REPORT on `original`. */
const productHandlesReport = (ctx: ProductCaseContext, original: string): Promise<void> =>
  ctx.product.journal ? productHandlesReportSeen(ctx, original) : productHandlesReportUnseen(ctx, original);

/** 703 through the product: at once on the embedded sandbox (its admin API), elsewhere over two runs. */
async function productUndelivered(ctx: ProductCaseContext): Promise<void> {
  ctx.needs('send', 'receive');
  const admin = ctx.pack.admin;
  return admin ? productUndeliveredOnSandbox(ctx, admin) : productUndeliveredTwoPhase(ctx);
}

test(
  ...witnessCase(
    '703',
    async (ctx) => {
      const { pack } = ctx;
      const dormant = pack.dormantMailboxId;
      if (!dormant) notDemonstrable(NO_DORMANT);
      const key = pendingKey(pack.settings.baseUrl ?? '', pack.sut.mailboxId, 'reference');
      const waiting = pending703.get(key);
      if (waiting) {
        const now = await serverClock(ctx);
        if (now.getTime() < Date.parse(waiting.dueAt))
          return ctx.pending(
            `the report on ${waiting.messageId}, sent ${waiting.sentAt}, is not due yet by the server's clock (${now.toISOString()})`,
            waiting.dueAt,
          );
        await ctx.messageIds({ 'message id': waiting.messageId });
        recordVerified(ctx, waiting.messageId, await handleReport(ctx, waiting.messageId));
        pending703.clear(key);
        return;
      }
      const sent = await sendAndTrack(
        ctx,
        pack.sut,
        { to: dormant!, fileName: '703.txt' },
        { kind: 'bytes', data: '703 left uncollected' },
      );
      if (!pack.admin) {
        const now = await serverClock(ctx);
        const dueAt = new Date(now.getTime() + EXPIRY_MS + REPORT_GRACE_MS).toISOString();
        pending703.set(key, {
          messageId: sent.messageId,
          sentAt: now.toISOString(),
          dueAt,
          runId: pack.run.runId,
        });
        return ctx.pending(
          `sent ${sent.messageId} to ${dormant}; run the pack again after the due date to check its report`,
          dueAt,
        );
      }
      await ctx.step('five days and a minute pass on the sandbox clock', async () => {
        await attachJson('sandbox clock', await pack.admin!.advanceClock(EXPIRY_MS / 1000 + 60));
      });
      recordVerified(ctx, sent.messageId, await handleReport(ctx, sent.messageId));
    },
    productUndelivered,
  ),
);

/** Has the product download `messageId`; it must fail and write nothing. */
async function productDownloadRefused(
  ctx: ProductCaseContext,
  messageId: string,
  status: number,
  why: string,
): Promise<void> {
  const dir = await ctx.product.folder(`${ctx.witness.id}-download`);
  const before = (await ctx.productRequests())?.length ?? 0;
  const result = await ctx.product.run('download', { id: messageId, dir }, `downloads ${messageId} (${why})`);
  expect(result.code, 'the download command reported the failure (non-zero exit)').not.toBe(0);
  expect((await digestsIn(dir)).size, 'files the product wrote').toBe(0);
  const own = (await ctx.productRequests())
    ?.slice(before)
    .filter((r) => r.kind === 'download' && r.messageId === messageId.toUpperCase());
  if (!own)
    return ctx.partNotDemonstrable(
      `${status} answer`,
      "the server's answer to the product is seen only in the sandbox journal or through the recording relay",
    );
  await ctx.step(`the journal: the product's download of ${messageId} got ${status}`, async () => {
    expect(own.map((r) => r.status)).toContain(status);
    expect(own.filter((r) => r.status < 300)).toEqual([]);
  });
}

async function productUnknownMessage(ctx: ProductCaseContext): Promise<void> {
  ctx.needs('download');
  const unknown = unknownMessageId();
  await ctx.messageIds({ 'unknown message id': unknown });
  await productDownloadRefused(ctx, unknown, 404, 'it does not exist');
}

/** 705 through the product: a message it received and acknowledged, downloaded again, is gone (410). */
async function productGoneMessage(ctx: ProductCaseContext): Promise<void> {
  ctx.needs('receive', 'download');
  const { pack } = ctx;
  const content = `705 acknowledged ${randomBytes(8).toString('hex')}`;
  const sent = await sendAndTrack(
    ctx,
    pack.peer,
    { to: pack.sut.mailboxId, fileName: '705.txt' },
    { kind: 'bytes', data: content },
  );
  await productReceives(ctx, [sha256(content)], `receives ${sent.messageId}`);
  await trackedAcknowledged(ctx, pack.peer, sent.messageId);
  await productDownloadRefused(ctx, sent.messageId, 410, 'already acknowledged');
}

const unknownMessageId = () =>
  `${new Date().toISOString().replace(/\D/g, '').slice(0, 20)}_${randomBytes(3).toString('hex').toUpperCase()}`;

test(
  ...witnessCase(
    '704',
    async (ctx) => {
      const { sut } = ctx.pack;
      const unknown = unknownMessageId();
      await ctx.messageIds({ 'unknown message id': unknown });
      await ctx.step(`${sut.mailboxId} downloads ${unknown}, which does not exist: 404, RECEIVE, code 20`, async () => {
        const what = `downloading ${unknown}, an id that does not exist`;
        const error = await refused(ctx, what, '404 RECEIVE/20', () => sut.downloadChunk(unknown, 1));
        expect([error.status, error.event, error.meshCode], what).toEqual([404, 'RECEIVE', '20']);
      });
    },
    productUnknownMessage,
  ),
);

async function expectGone(ctx: CaseContext, client: MeshClient, messageId: string, why: string): Promise<void> {
  await ctx.step(`${client.mailboxId} downloads ${messageId} (${why}): 410 Gone`, async () => {
    const what = `downloading ${messageId} (${why})`;
    expect((await refused(ctx, what, '410 Gone', () => client.downloadChunk(messageId, 1))).status, what).toBe(410);
  });
}

test(
  ...witnessCase(
    '705',
    async (ctx) => {
      const { pack } = ctx;
      const acknowledged = await sendAndTrack(
        ctx,
        pack.sut,
        { to: pack.peer.mailboxId, fileName: '705.txt' },
        { kind: 'bytes', data: '705 acknowledged' },
      );
      await awaitDelivery(ctx, pack.peer, [acknowledged.messageId]);
      await receiveAndAcknowledge(ctx, pack.peer, acknowledged.messageId);
      await expectGone(ctx, pack.peer, acknowledged.messageId, 'acknowledged');
      const verified = stateFile.readJson<{ runId: string; reportId: string } | undefined>(VERIFIED_703, undefined);
      if (verified?.runId === pack.run.runId)
        await expectGone(ctx, pack.sut, verified.reportId, 'the 703 report, acknowledged');
      const dormant = await pack.dormant();
      if (!pack.admin || !dormant) {
        ctx.partNotDemonstrable(
          'expired message',
          'downloading an expired message needs the dormant mailbox credentials and the sandbox admin API',
        );
        return;
      }
      const expiring = await sendAndTrack(
        ctx,
        pack.sut,
        { to: dormant.mailboxId, fileName: '705-expired.txt' },
        { kind: 'bytes', data: '705 expired' },
        'expiring message',
      );
      await awaitDelivery(ctx, dormant, [expiring.messageId]);
      await ctx.step(`the sandbox expires ${expiring.messageId} now`, async () => {
        await attachJson('expiry', await pack.admin!.expire(expiring.messageId));
      });
      await expectGone(ctx, dormant, expiring.messageId, 'expired');
      await handleReport(ctx, expiring.messageId);
    },
    productGoneMessage,
  ),
);
