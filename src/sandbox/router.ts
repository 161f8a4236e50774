/** The route table: every path the sandbox serves, with the methods each accepts. */
import * as admin from './admin.ts';
import type { RouteContext } from './context.ts';
import { ADMIN_PREFIX } from './options.ts';
import { Failure } from './replies.ts';
import { handshake, updateCheck } from './routes/handshake.ts';
import { acknowledge, download, head } from './routes/inbox.ts';
import { countInbox, listInbox } from './routes/inbox-list.ts';
import { endpointLookup, health, workflowSearch } from './routes/lookup.ts';
import { sendChunk, sendMessage } from './routes/outbox.ts';
import { trackById, trackByLocalId } from './routes/tracking.ts';

type Handler = (ctx: RouteContext) => Promise<void>;

interface Route {
  /** The pattern's literal start: a path without it cannot match, and testing that is cheaper than the pattern. */
  prefix: string;
  pattern: RegExp;
  /** The names of the pattern's capturing groups, in order. */
  names: string[];
  /** Path segments it matches: no pattern group matches a `/`, so only paths with as many can match. */
  segments: number;
  methods: Record<string, Handler>;
  admin?: boolean;
}

const MB = '(?<mailbox>[^/]+)';
const ID = '(?<messageId>[^/]+)';
/** Counted, not split: splitting made an array per request just to take its length. */
function segmentsOf(path: string): number {
  let count = 1;
  for (let at = path.indexOf('/'); at !== -1; at = path.indexOf('/', at + 1)) count++;
  return count;
}
/** A route pattern's segments: its `[^/]` classes are not separators. */
const patternSegments = (pattern: string): number => segmentsOf(pattern.replaceAll('[^/]', '.'));
/**
 * A route from a path pattern with named groups. The groups are turned into plain ones, their names kept
 * aside: a match then allocates no `groups` object.
 */
function route(path: string, methods: Record<string, Handler>): Route {
  const names = [...path.matchAll(/\(\?<(\w+)>/g)].map((m) => m[1]!);
  return {
    prefix: path.split('(')[0]!,
    pattern: new RegExp(`^${path.replace(/\(\?<\w+>/g, '(')}$`),
    names,
    segments: patternSegments(path),
    methods,
  };
}
/** Admin routes, under /admin and /messageexchange/admin. */
const adminRoutes = (path: string, methods: Record<string, Handler>): Route[] =>
  [ADMIN_PREFIX, `/messageexchange${ADMIN_PREFIX}`].map((prefix) => ({
    ...route(`${prefix}${path}`, methods),
    admin: true,
  }));

const HEALTH = { GET: health, HEAD: health };
const resetAll = { POST: admin.resetAll, DELETE: admin.resetAll };
const resetOne = { POST: admin.resetMailbox, DELETE: admin.resetMailbox };

const ROUTES: Route[] = [
  route('/(?:health|_ping|_status|healthcheck)', HEALTH),
  route('/messageexchange/(?:_ping|deepping)', HEALTH),
  ...adminRoutes('/reset', resetAll),
  ...adminRoutes(`/reset/${MB}`, resetOne),
  ...adminRoutes('/report', { POST: admin.createReport }),
  ...adminRoutes(`/message/${ID}/event`, { POST: admin.addMessageEvent }),
  ...adminRoutes(`/message/${ID}/expire`, { POST: admin.expireMessage }),
  ...adminRoutes(`/message/${ID}`, { GET: admin.getMessage }),
  ...adminRoutes('/clock', { GET: admin.getClock }),
  ...adminRoutes('/clock/advance', { POST: admin.advanceClock }),
  ...adminRoutes(`/mailbox/${MB}/disable`, { POST: (ctx) => admin.setMailboxActive(ctx, false) }),
  ...adminRoutes(`/mailbox/${MB}/enable`, { POST: (ctx) => admin.setMailboxActive(ctx, true) }),
  ...adminRoutes(`/mailbox/${MB}`, { GET: admin.getMailbox }),
  ...adminRoutes('/journal', { GET: admin.getJournal }),
  ...adminRoutes('/faults', { POST: admin.addFault, DELETE: admin.clearFaults }),
  { ...route(`/messageexchange/mailbox/${MB}`, { GET: admin.getMailbox }), admin: true },
  route('/messageexchange/endpointlookup/(?<ods>[^/]*)/(?<workflowId>[^/]*)', { GET: endpointLookup }),
  route('/messageexchange/workflowsearch/(?<workflowId>[^/]*)', { GET: workflowSearch }),
  route(`/messageexchange/${MB}`, { GET: handshake, POST: handshake }),
  route(`/messageexchange/${MB}/update`, { POST: updateCheck }),
  route(`/messageexchange/${MB}/count`, { GET: countInbox }),
  route(`/messageexchange/${MB}/inbox`, { GET: listInbox }),
  route(`/messageexchange/${MB}/inbox/${ID}`, { GET: download, HEAD: head }),
  route(`/messageexchange/${MB}/inbox/${ID}/(?<chunk>[^/]+)`, { GET: download }),
  route(`/messageexchange/${MB}/inbox/${ID}/status/acknowledged`, { PUT: acknowledge }),
  route(`/messageexchange/${MB}/outbox`, { POST: sendMessage }),
  route(`/messageexchange/${MB}/outbox/tracking`, { GET: trackById }),
  route(`/messageexchange/${MB}/outbox/tracking/(?<localId>[^/]+)`, { GET: trackByLocalId }),
  route(`/messageexchange/${MB}/outbox/${ID}/(?<chunk>[^/]+)`, { POST: sendChunk }),
];

/** The routes by segment count, each list in table order (earlier routes win). */
const BY_SEGMENTS = new Map<number, Route[]>();
for (const r of ROUTES) BY_SEGMENTS.set(r.segments, [...(BY_SEGMENTS.get(r.segments) ?? []), r]);

export interface Match {
  handler: Handler;
  params: Record<string, string>;
  admin: boolean;
}

/** The handler for a request, or a 404/405 Failure in the framework shape the official sandbox uses. */
export function match(method: string, path: string): Match {
  let allowed: Set<string> | undefined;
  for (const r of BY_SEGMENTS.get(segmentsOf(path)) ?? []) {
    if (!path.startsWith(r.prefix)) continue;
    const m = r.pattern.exec(path);
    if (!m) continue;
    const handler = r.methods[method];
    if (!handler) {
      allowed ??= new Set();
      for (const k of Object.keys(r.methods)) allowed.add(k);
      continue;
    }
    const params: Record<string, string> = {};
    for (let i = 0; i < r.names.length; i++) params[r.names[i]!] = decodeSegment(m[i + 1]!);
    return { handler, params, admin: r.admin === true };
  }
  if (allowed) throw new Failure(405, { kind: 'routing', detail: 'Method Not Allowed', allow: [...allowed] });
  throw new Failure(404, { kind: 'routing', detail: 'Not Found' });
}

function decodeSegment(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    throw new Failure(400, {
      kind: 'validation',
      items: [
        { type: 'url_parsing', loc: ['path', value.slice(0, 50)], msg: 'path segment is not valid percent-encoding' },
      ],
    });
  }
}
