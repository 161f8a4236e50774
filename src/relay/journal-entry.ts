/**
 * A relayed request as a sandbox journal entry, redacted as the sandbox redacts: the journalled headers
 * only (never Authorization) and the token's nonce, count and timestamp (never its HMAC), with what a
 * download's or HEAD's answer said of the message (as the sandbox journals it). A fault (the target
 * unreachable, refusing the client certificate, closing mid-body) is said in `fault`.
 */
import { isoTime, parseAuthToken, type AnswerFacts } from '../protocol/index.ts';
import { toRequestRecords } from '../behaviour/index.ts';
import { journalHeaders, type JournalEntry } from '../sandbox/journal.ts';

export interface RelayJournalEntry extends JournalEntry {
  /** What went wrong between the product and the target; absent when the exchange completed. */
  fault?: string;
}

/** What the relay saw of one exchange. */
export interface Exchange {
  arrived: Date;
  method: string;
  /** Path and query as the product sent them. */
  path: string;
  /** The product's request headers, names lower case. */
  headers: Iterable<[string, string]>;
  authorization: string | undefined;
  /** The target's status, or the relay's 502. */
  status: number;
  durationMs: number;
  bytesIn: number;
  bytesOut: number;
  /** The id of the message a send created, read from the target's answer. */
  sentMessageId?: string;
  /** What the target's answer to a download or HEAD said of the message. */
  answer?: AnswerFacts;
  fault?: string;
}

export function journalEntry(x: Exchange): RelayJournalEntry {
  const headers = journalHeaders(x.headers);
  const entry: RelayJournalEntry = {
    time: isoTime(x.arrived),
    method: x.method,
    path: x.path,
    status: x.status,
    durationMs: Math.round(x.durationMs * 10) / 10,
    headers,
    bytesIn: x.bytesIn,
    bytesOut: x.bytesOut,
  };
  // The mailbox and message a request is about, as the rules read them from its path.
  const [record] = toRequestRecords([{ method: x.method, path: x.path, status: x.status, headers }]);
  if (record) entry.mailbox = record.mailbox;
  const token = parseAuthToken(x.authorization, { requireScheme: false });
  // `used` as the sandbox means it cannot be known here; a token the target refused (403) is taken as unused.
  if (token.ok)
    entry.token = {
      nonce: token.parts.nonce,
      nonceCount: token.parts.nonceCount,
      timestamp: token.parts.timestamp,
      used: x.status !== 403,
    };
  const messageId = x.sentMessageId ?? record?.messageId;
  if (messageId) entry.messageId = messageId;
  if (x.answer) entry.answer = x.answer;
  if (x.fault) entry.fault = x.fault;
  return entry;
}
