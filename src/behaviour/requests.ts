/**
 * One normalised record per MESH request, whatever log it came from: the sandbox's journal or our client's
 * exchange log both map to it, so the assessor rules read them alike.
 */
import type { AnswerFacts } from '../protocol/index.ts';

export type RequestKind =
  'handshake' | 'send' | 'send-chunk' | 'track' | 'inbox' | 'download' | 'head' | 'acknowledge' | 'other';

export interface TokenFields {
  nonce: string;
  nonceCount: string;
  timestamp: string;
}

export interface RequestRecord {
  /** Position in the log the request came from. */
  index: number;
  mailbox: string;
  kind: RequestKind;
  method: string;
  /** Path and query string. */
  path: string;
  status: number;
  /** ISO time the request started, when the log recorded it. */
  time?: string;
  messageId?: string;
  /** mex-to of a send. */
  to?: string;
  /** Lower-case request headers, when the log recorded them. */
  headers?: Readonly<Record<string, string>>;
  token?: TokenFields;
  /** What a download's or HEAD's answer said of the message, when the log recorded it (the journals do). */
  answer?: AnswerFacts;
}

/** What a log must say about a request to be judged; a sandbox JournalEntry has this shape. */
export interface RawRequest {
  time?: string;
  method: string;
  path: string;
  status: number;
  headers: Readonly<Record<string, string>>;
  token?: TokenFields;
  answer?: AnswerFacts;
}

const MAILBOX_PATH = /^\/messageexchange\/([^/?]+)(\/[^?]*)?(?:\?(.*))?$/;
const NOT_A_MAILBOX = new Set(['admin', 'endpointlookup', 'workflowsearch', 'mailbox', '_ping', 'deepping']);

interface Classified {
  mailbox?: string;
  kind: RequestKind;
  messageId?: string;
}

function classify(method: string, fullPath: string): Classified {
  const m = MAILBOX_PATH.exec(fullPath);
  if (!m || NOT_A_MAILBOX.has(m[1]!)) return { kind: 'other' };
  const mailbox = decodeURIComponent(m[1]!).toUpperCase();
  const rest = m[2] ?? '';
  const query = new URLSearchParams(m[3] ?? '');
  const segments = rest.split('/').map((s) => decodeURIComponent(s));
  // MESH serves the handshake on GET and POST alike; official clients use both.
  if (rest === '' && (method === 'POST' || method === 'GET')) return { mailbox, kind: 'handshake' };
  if (rest === '/outbox' && method === 'POST') return { mailbox, kind: 'send' };
  if (rest.startsWith('/outbox/tracking')) {
    const id = query.get('messageID');
    return { mailbox, kind: 'track', ...(id ? { messageId: id } : {}) };
  }
  if (/^\/outbox\/[^/]+\/\d+$/.test(rest) && method === 'POST')
    return { mailbox, kind: 'send-chunk', messageId: segments[2]! };
  if (rest === '/inbox' || rest === '/count') return { mailbox, kind: 'inbox' };
  if (/^\/inbox\/[^/]+\/status\/acknowledged$/.test(rest) && method === 'PUT')
    return { mailbox, kind: 'acknowledge', messageId: segments[2]! };
  if (/^\/inbox\/[^/]+(\/\d+)?$/.test(rest)) {
    if (method === 'HEAD') return { mailbox, kind: 'head', messageId: segments[2]! };
    return { mailbox, kind: 'download', messageId: segments[2]! };
  }
  return { mailbox, kind: 'other' };
}

/** The token fields of an Authorization header, whole or redacted (`NHSMESH mb:nonce:count:time:<redacted>`). */
function tokenOf(authorization: string | undefined): TokenFields | undefined {
  const m = /^\s*nhsmesh\s+[^:]*:([^:]+):(\d+):(\d{12}):[^:]*$/i.exec(authorization ?? '');
  return m ? { nonce: m[1]!, nonceCount: m[2]!, timestamp: m[3]! } : undefined;
}

/** The MESH mailbox requests of a log, in order; lookups, health and admin calls are left out. */
export function toRequestRecords(log: readonly RawRequest[]): RequestRecord[] {
  return log.flatMap((raw, index): RequestRecord[] => {
    const c = classify(raw.method, raw.path);
    const mailbox = c.mailbox;
    if (c.kind === 'other' || !mailbox) return [];
    const token = raw.token ?? tokenOf(raw.headers.authorization);
    const to = raw.headers['mex-to'];
    return [
      {
        index,
        mailbox,
        kind: c.kind,
        method: raw.method,
        path: raw.path,
        status: raw.status,
        headers: raw.headers,
        ...(raw.time ? { time: raw.time } : {}),
        ...(c.messageId ? { messageId: c.messageId.toUpperCase() } : {}),
        ...(to ? { to: to.trim().toUpperCase() } : {}),
        ...(token ? { token } : {}),
        ...(raw.answer ? { answer: raw.answer } : {}),
      },
    ];
  });
}

/**
 * Where requests made from now on start: records are numbered by journal position, and a journal entry
 * that is not a MESH call has none, so this is one past the last record, not the number of records.
 */
export function nextRequestIndex(records: readonly RequestRecord[]): number {
  return records.length > 0 ? records[records.length - 1]!.index + 1 : 0;
}

/** The chunk a download asked for: `/inbox/{id}/{n}`, or 1 for the bare path. */
export function chunkOf(r: Pick<RequestRecord, 'path'>): number {
  const m = /\/inbox\/[^/?]+\/(\d+)(?:\?|$)/.exec(r.path);
  return m ? Number(m[1]) : 1;
}

export const succeeded = (r: RequestRecord): boolean => r.status >= 200 && r.status < 300;

/** A short name of a request for verdicts: `#12 GET /messageexchange/X26ABC1/inbox 200`. */
export function describeRequest(r: RequestRecord): string {
  return `#${r.index} ${r.method} ${r.path} ${r.status}`;
}
