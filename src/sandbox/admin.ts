/**
 * The admin API (unauthenticated, for tests and rehearsals): reset, inject reports and events, expire
 * messages, move the clock, disable mailboxes, read mailboxes, messages and the journal, inject faults.
 * Served under /admin and, like the official sandbox, under /messageexchange/admin.
 */
import { MEDIA_JSON, MESH_ERRORS, type ErrorSpec } from '../protocol/index.ts';
import { drainBody, readJsonBody, type RouteContext } from './context.ts';
import type { ReportInput } from './lifecycle.ts';
import { adminDetails } from './message-views.ts';
import { Failure, meshFailure, sendEmpty, sendJson, validationFailure, type ValidationItem } from './replies.ts';
import { statusOf, type StatusName } from './store/message.ts';

const STATUSES: StatusName[] = ['uploading', 'accepted', 'acknowledged', 'undeliverable', 'error'];
const noMailbox: ErrorSpec = { event: '', code: '', description: 'mailbox does not exist' };
const badRequest = (description: string): Failure => meshFailure(400, { event: '', code: '', description });

type Body = Record<string, unknown>;

/** Reads the JSON body's string fields; missing required ones and non-strings are 400 with their `loc`. */
async function fields(
  ctx: RouteContext,
  required: string[],
  optional: string[],
): Promise<Record<string, string | undefined>> {
  const raw = await readJsonBody(ctx);
  const body: Body = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Body) : {};
  const problems: ValidationItem[] = [];
  const out: Record<string, string | undefined> = {};
  for (const name of [...required, ...optional]) {
    const value = body[name];
    if (value === undefined || value === null) {
      if (required.includes(name)) problems.push({ type: 'missing', loc: ['body', name], msg: 'Field required' });
    } else if (typeof value !== 'string')
      problems.push({ type: 'string_type', loc: ['body', name], msg: 'Input should be a valid string' });
    else out[name] = value;
  }
  if (problems.length > 0) throw validationFailure(problems);
  return out;
}

function mailboxOf(ctx: RouteContext) {
  const mailbox = ctx.state.mailboxes.mailbox(ctx.params.mailbox ?? '');
  if (!mailbox) throw meshFailure(404, noMailbox);
  ctx.notes.mailbox = mailbox.mailboxId;
  return mailbox;
}

function messageOf(ctx: RouteContext) {
  const id = (ctx.params.messageId ?? '').toUpperCase();
  ctx.notes.messageId = id;
  const message = ctx.state.store.get(id);
  if (!message) throw meshFailure(404, MESH_ERRORS.notFound);
  return message;
}

export async function resetAll(ctx: RouteContext): Promise<void> {
  await drainBody(ctx);
  const { store } = ctx.state;
  await store.delete([...store.all()].map((m) => m.messageId));
  sendJson(ctx.res, 200, { message: 'all mailboxes reset' }, MEDIA_JSON);
}

/** Empties one mailbox: messages it received are deleted; those it sent leave its outbox only. */
export async function resetMailbox(ctx: RouteContext): Promise<void> {
  await drainBody(ctx);
  const mailbox = mailboxOf(ctx);
  const { store } = ctx.state;
  const all = [...store.all()];
  await store.delete(all.filter((m) => m.recipient === mailbox.mailboxId).map((m) => m.messageId));
  for (const message of all.filter((m) => m.sender === mailbox.mailboxId && m.recipient !== mailbox.mailboxId)) {
    message.hiddenFromSender = true;
    await store.save(message);
  }
  sendJson(ctx.res, 200, { message: `mailbox ${mailbox.mailboxId} reset` }, MEDIA_JSON);
}

export async function createReport(ctx: RouteContext): Promise<void> {
  const f = await fields(
    ctx,
    ['mailbox_id', 'code', 'description', 'workflow_id'],
    ['subject', 'local_id', 'file_name', 'linked_message_id', 'status', 'event'],
  );
  const recipient = ctx.state.mailboxes.mailbox(f.mailbox_id!);
  if (!recipient) throw meshFailure(404, noMailbox);
  if (f.status !== undefined && f.status !== 'undeliverable' && f.status !== 'error')
    throw badRequest('status must be "undeliverable" or "error"');
  const input: ReportInput = {
    recipient: recipient.mailboxId,
    workflowId: f.workflow_id!,
    code: f.code!,
    description: f.description!,
  };
  const optional = {
    status: f.status,
    event: f.event,
    linkedMessageId: f.linked_message_id,
    localId: f.local_id,
    subject: f.subject,
    fileName: f.file_name,
  };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) Object.assign(input, { [key]: value });
  const report = await ctx.state.lifecycle.createReport(input);
  ctx.notes.messageId = report.messageId;
  sendJson(ctx.res, 200, { message_id: report.messageId }, MEDIA_JSON);
}

export async function addMessageEvent(ctx: RouteContext): Promise<void> {
  const f = await fields(ctx, ['status'], ['code', 'event', 'description', 'linked_message_id']);
  const message = messageOf(ctx);
  if (!STATUSES.includes(f.status as StatusName)) throw badRequest(`status must be one of ${STATUSES.join(', ')}`);
  const { lifecycle } = ctx.state;
  const details = { code: f.code, event: f.event, description: f.description, linkedMessageId: f.linked_message_id };
  const event = lifecycle.event(
    f.status!,
    Object.fromEntries(Object.entries(details).filter(([, v]) => v !== undefined)),
  );
  await lifecycle.addEvent(message, event);
  sendEmpty(ctx.res, 200);
}

export async function expireMessage(ctx: RouteContext): Promise<void> {
  await drainBody(ctx);
  const message = messageOf(ctx);
  if (statusOf(message) !== 'accepted')
    throw meshFailure(409, {
      event: '',
      code: '',
      description: `only an accepted message can expire; this one is ${statusOf(message)}`,
    });
  const report = await ctx.state.lifecycle.expire(message);
  sendJson(
    ctx.res,
    200,
    { message_id: message.messageId, ...(report ? { report_message_id: report.messageId } : {}) },
    MEDIA_JSON,
  );
}

function clockBody(ctx: RouteContext): Record<string, unknown> {
  return { now: ctx.state.clock.now().toISOString(), offset_ms: ctx.state.clock.offsetMs() };
}

export async function getClock(ctx: RouteContext): Promise<void> {
  await drainBody(ctx);
  sendJson(ctx.res, 200, clockBody(ctx), MEDIA_JSON);
}

export async function advanceClock(ctx: RouteContext): Promise<void> {
  const body = (await readJsonBody(ctx)) as Body;
  const seconds = body?.seconds;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
    throw validationFailure([
      { type: 'greater_than_equal', loc: ['body', 'seconds'], msg: 'seconds must be a number >= 0' },
    ]);
  }
  ctx.state.clock.advance(seconds * 1000);
  await ctx.state.lifecycle.expireAndDeleteDue();
  sendJson(ctx.res, 200, clockBody(ctx), MEDIA_JSON);
}

export async function setMailboxActive(ctx: RouteContext, active: boolean): Promise<void> {
  await drainBody(ctx);
  const mailbox = mailboxOf(ctx);
  mailbox.active = active;
  const { mailboxes, clock } = ctx.state;
  await ctx.state.settings.write(() => ({
    clockOffsetMs: clock.offsetMs(),
    disabledMailboxes: mailboxes
      .all()
      .filter((m) => !m.active)
      .map((m) => m.mailboxId),
  }));
  sendJson(ctx.res, 200, { mailbox_id: mailbox.mailboxId, active }, MEDIA_JSON);
}

export async function getMailbox(ctx: RouteContext): Promise<void> {
  await drainBody(ctx);
  const m = mailboxOf(ctx);
  sendJson(
    ctx.res,
    200,
    {
      mailbox_id: m.mailboxId,
      mailbox_name: m.mailboxName,
      billing_entity: m.billingEntity,
      ods_code: m.odsCode,
      org_code: m.orgCode,
      org_name: m.orgName,
      active: m.active,
    },
    MEDIA_JSON,
  );
}

export async function getMessage(ctx: RouteContext): Promise<void> {
  await drainBody(ctx);
  const message = messageOf(ctx);
  sendJson(
    ctx.res,
    200,
    adminDetails(message, ctx.state.mailboxes, ctx.state.lifecycle.expiresAt(message)),
    MEDIA_JSON,
  );
}

export async function getJournal(ctx: RouteContext): Promise<void> {
  await drainBody(ctx);
  const time = (name: string): Date | undefined => {
    const value = ctx.query.get(name);
    if (value === null) return undefined;
    const date = new Date(value);
    if (Number.isNaN(date.getTime()))
      throw validationFailure([
        { type: 'datetime_parsing', loc: ['query', name], msg: `"${value}" is not an ISO date-time` },
      ]);
    return date;
  };
  const filter = {
    ...(ctx.query.get('mailbox') ? { mailbox: ctx.query.get('mailbox')!.toUpperCase() } : {}),
    since: time('since'),
    until: time('until'),
  };
  const { journal } = ctx.state;
  sendJson(ctx.res, 200, { entries: journal.entries(filter), droppedFromMemory: journal.dropped }, MEDIA_JSON);
}

export async function addFault(ctx: RouteContext): Promise<void> {
  const body = await readJsonBody(ctx);
  try {
    ctx.state.faults.add(body);
  } catch (error) {
    throw badRequest(`fault not added: ${(error as Error).message}`);
  }
  sendJson(ctx.res, 200, { message: 'fault added' }, MEDIA_JSON);
}

export async function clearFaults(ctx: RouteContext): Promise<void> {
  await drainBody(ctx);
  ctx.state.faults.clear();
  sendJson(ctx.res, 200, { message: 'faults cleared' }, MEDIA_JSON);
}
