/** One verdict per assessor rule over a product's requests, each with the requests that prove it. */
import {
  acceptGzipOnDownloads,
  acceptV2,
  ackWithin,
  chunkedFetchedWhole,
  freshToken,
  handshakeHeaders,
  pagingPast500,
  pollInterval,
  reportHandled,
} from './product-rules.ts';
import { describeRequest, type RequestRecord } from './requests.ts';
import { handshakeOnceFirst, inboxAfterSend, noDownloadTwice, type RuleId, type RuleOutcome, type Violation } from './rules.ts';

/** What the judge knows beyond the requests: its limits, and what the counterpart put in the product's inbox. */
export interface ProductFacts {
  handshakeWindowMs: number;
  ackWithinMs: number;
  pollIntervalMs: number;
  /** When more than 500 messages were first waiting; undefined when paging was not exercised. */
  pagingFrom?: string;
  chunked: { messageId: string; chunks: number }[];
  reportIds: string[];
}

export interface Verdict {
  rule: RuleId;
  title: string;
  passed: boolean;
  violations: Violation[];
  /** The requests the rule judged: for a pass, its evidence. */
  proof: { index: number; request: string; time?: string; messageId?: string }[];
}

interface ProductRule {
  rule: RuleId;
  title: string;
  check(records: RequestRecord[], facts: ProductFacts): RuleOutcome;
}

export const PRODUCT_RULES: ProductRule[] = [
  { rule: 'handshake-once-first', title: 'validates its mailbox before any other call, and at most once in the window', check: (r, f) => handshakeOnceFirst(r, { windowMs: f.handshakeWindowMs }) },
  { rule: 'handshake-headers', title: 'the handshake carries mex-ClientVersion, mex-OSName and mex-OSVersion', check: handshakeHeaders },
  { rule: 'fresh-token', title: 'a fresh auth token on every request', check: freshToken },
  { rule: 'accept-v2', title: 'Accept: application/vnd.mesh.v2+json on every request', check: acceptV2 },
  { rule: 'inbox-after-send', title: 'checks its inbox or tracks the message after each send', check: (r) => inboxAfterSend(r, { inboxOf: 'sender' }) },
  { rule: 'ack-within', title: 'acknowledges each download within the allowed time', check: (r, f) => ackWithin(r, f.ackWithinMs) },
  { rule: 'no-download-twice', title: 'never downloads a message twice before acknowledging it', check: noDownloadTwice },
  {
    rule: 'paging',
    title: 'reads past the first 500 messages at once',
    check: (r, f) => (f.pagingFrom ? pagingPast500(r, f.pagingFrom, f.pollIntervalMs) : { violations: [{ rule: 'paging', index: -1, text: 'paging was not exercised in this run' }], proof: [] }),
  },
  { rule: 'accept-gzip', title: 'Accept-Encoding: gzip on downloads', check: acceptGzipOnDownloads },
  { rule: 'chunked-whole', title: 'fetches every chunk of a chunked message', check: (r, f) => chunkedFetchedWhole(r, f.chunked) },
  { rule: 'report-handled', title: 'downloads and acknowledges a non-delivery report (REPORT)', check: (r, f) => reportHandled(r, f.reportIds) },
  { rule: 'poll-interval', title: 'polls its inbox no more often than the interval', check: (r, f) => pollInterval(r, f.pollIntervalMs) },
];

/** The verdicts over the requests of one product mailbox. */
export function judgeProduct(records: RequestRecord[], facts: ProductFacts): Verdict[] {
  return PRODUCT_RULES.map(({ rule, title, check }) => {
    const { violations, proof } = check(records, facts);
    const evidence = [...new Set(proof)].sort((a, b) => a.index - b.index);
    return {
      rule,
      title,
      passed: violations.length === 0,
      violations: violations.sort((a, b) => a.index - b.index),
      proof: evidence.map((r) => ({ index: r.index, request: describeRequest(r), ...(r.time ? { time: r.time } : {}), ...(r.messageId ? { messageId: r.messageId } : {}) })),
    };
  });
}
