/**
 * GET /inbox (mesh-api-notes 4.8) and the deprecated GET /count (4.9). Pages follow delivery order. The v2
 * `continue_from` token is base64url of the last delivery position and id on the page: it means the same
 * after a restart, since delivery positions are stored with each message.
 */
import { randomBytes } from 'node:crypto';
import { MEDIA_JSON, MEDIA_V2 } from '../../protocol/index.ts';
import { authorise, drainBody, requireVersion, type RouteContext } from '../context.ts';
import { sendJson, sendVersioned, validationFailure, type ValidationItem } from '../replies.ts';
import type { StoredMessage } from '../store/message.ts';

const DEFAULT_PAGE = 500;

/** The six operators of workflow_filter: X, !X, X*, !X*, *X*, !*X*. */
function workflowMatcher(filter: string): (workflowId: string) => boolean {
  const negate = filter.startsWith('!');
  const body = negate ? filter.slice(1) : filter;
  let test: (w: string) => boolean;
  if (body.length > 1 && body.startsWith('*') && body.endsWith('*')) test = (w) => w.includes(body.slice(1, -1));
  else if (body.endsWith('*')) test = (w) => w.startsWith(body.slice(0, -1));
  else test = (w) => w === body;
  return negate ? (w) => !test(w) : test;
}

const encodeToken = (message: StoredMessage): string =>
  Buffer.from(JSON.stringify({ after: message.deliverySeq, id: message.messageId })).toString('base64url');

function decodeToken(token: string): number | undefined {
  try {
    const json = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after?: unknown };
    return Number.isInteger(json.after) ? (json.after as number) : undefined;
  } catch {
    return undefined;
  }
}

function lengthProblem(name: string, value: string | null, min: number, max: number): ValidationItem | undefined {
  if (value === null || (value.length >= min && value.length <= max)) return undefined;
  return value.length < min
    ? { type: 'string_too_short', loc: ['query', name], msg: `String should have at least ${min} characters` }
    : { type: 'string_too_long', loc: ['query', name], msg: `String should have at most ${max} characters` };
}

export async function listInbox(ctx: RouteContext): Promise<void> {
  await drainBody(ctx);
  const { mailbox } = authorise(ctx);
  const version = requireVersion(ctx);
  const { query } = ctx;
  const problems: ValidationItem[] = [];
  const maxText = query.get('max_results');
  let max = DEFAULT_PAGE;
  if (maxText !== null) {
    max = /^\d{1,9}$/.test(maxText) ? Number(maxText) : NaN;
    if (Number.isNaN(max))
      problems.push({
        type: 'int_parsing',
        loc: ['query', 'max_results'],
        msg: 'Input should be a valid integer, unable to parse string as an integer',
      });
    else if (max < 10)
      problems.push({
        type: 'greater_than_equal',
        loc: ['query', 'max_results'],
        msg: 'Input should be greater than or equal to 10',
      });
    else if (max > 5000)
      problems.push({
        type: 'less_than_equal',
        loc: ['query', 'max_results'],
        msg: 'Input should be less than or equal to 5000',
      });
  }
  const continueFrom = query.get('continue_from');
  const filter = query.get('workflow_filter');
  for (const p of [
    lengthProblem('continue_from', continueFrom, 24, 1000),
    lengthProblem('workflow_filter', filter, 2, 255),
  ])
    if (p) problems.push(p);

  const inbox = ctx.state.store.inbox(mailbox.mailboxId);
  let after = 0;
  if (continueFrom !== null && problems.length === 0) {
    // v1 names the last id of the previous page; v2 passes back our opaque token.
    const decoded =
      version === 2 ? decodeToken(continueFrom) : ctx.state.store.get(continueFrom.toUpperCase())?.deliverySeq;
    if (decoded === undefined && version === 2)
      problems.push({
        type: 'value_error',
        loc: ['query', 'continue_from'],
        msg: 'continue_from is not a token from links.next of an earlier page',
      });
    after = decoded ?? 0;
  }
  if (problems.length > 0) throw validationFailure(problems);

  const matches = filter === null ? () => true : workflowMatcher(filter);
  const page: StoredMessage[] = [];
  let more = false;
  for (const message of inbox.values()) {
    if ((message.deliverySeq ?? 0) <= after || !matches(message.workflowId)) continue;
    if (page.length === max) {
      more = true;
      break;
    }
    page.push(message);
  }
  const ids = page.map((m) => m.messageId);
  if (version === 1) return sendJson(ctx.res, 200, { messages: ids }, MEDIA_JSON);
  const self = new URLSearchParams();
  if (max !== DEFAULT_PAGE) self.set('max_results', String(max));
  if (filter !== null) self.set('workflow_filter', filter);
  const path = `/messageexchange/${mailbox.mailboxId}/inbox`;
  const link = (params: URLSearchParams): string => (params.size > 0 ? `${path}?${params}` : path);
  const links: Record<string, string> = { self: link(self) };
  if (more) links.next = link(new URLSearchParams([...self, ['continue_from', encodeToken(page.at(-1)!)]]));
  sendJson(ctx.res, 200, { messages: ids, links, approx_inbox_count: inbox.size }, MEDIA_V2);
}

export async function countInbox(ctx: RouteContext): Promise<void> {
  await drainBody(ctx);
  const { mailbox } = authorise(ctx);
  const version = requireVersion(ctx);
  const count = ctx.state.store.inbox(mailbox.mailboxId).size;
  sendVersioned(
    ctx.res,
    version,
    200,
    { count, internalID: randomBytes(16).toString('hex'), allResultsIncluded: true },
    { count },
  );
}
