/**
 * What the answer to a download or HEAD says of the message, read from its mex-* headers: whether it is a
 * REPORT, the message a REPORT is about, and the status a REPORT carries (mesh-api-notes 5.2, 7.2). A
 * journal keeps these so a judge can tell, from the journal alone, that a product collected a REPORT.
 * None of it is secret.
 */
import { HEADER } from './headers.ts';

export interface AnswerFacts {
  /** `DATA` or `REPORT`. */
  messageType?: string;
  /** A REPORT's original message. */
  linkedMessageId?: string;
  /** `00` for DATA; a REPORT's error code (`14`: undelivered). */
  statusCode?: string;
  statusEvent?: string;
  statusDescription?: string;
  /** `SUCCESS`, or `ERROR` (always, on a REPORT). */
  statusSuccess?: string;
}

type AnswerHeaders = Readonly<Record<string, string | string[] | number | undefined>>;

const FIELDS: readonly [keyof AnswerFacts, string][] = [
  ['messageType', HEADER.messageType],
  ['linkedMessageId', HEADER.linkedMessageId],
  ['statusCode', HEADER.statusCode],
  ['statusEvent', HEADER.statusEvent],
  ['statusDescription', HEADER.statusDescription],
  ['statusSuccess', HEADER.statusSuccess],
];

/**
 * The facts in `headers` (names lower case, as node:http gives them and the sandbox writes them), or
 * undefined for an answer that describes no message (it has no mex-MessageType).
 */
export function answerFacts(headers: AnswerHeaders): AnswerFacts | undefined {
  if (headers[HEADER.messageType] === undefined) return undefined;
  const facts: AnswerFacts = {};
  for (const [field, name] of FIELDS) {
    const value = headers[name];
    if (value !== undefined && value !== '') facts[field] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return facts;
}
