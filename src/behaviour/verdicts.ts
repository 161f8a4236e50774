/**
 * One verdict per assessor rule over a product's requests, each with the requests that prove it: passed,
 * failed, or not shown when the requests held nothing the rule could judge (never a pass).
 */
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
import {
  ackAfterDownload,
  handshakeOnceFirst,
  inboxAfterSend,
  noDownloadTwice,
  type RuleId,
  type RuleOutcome,
  type Violation,
} from './rules.ts';

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

export type RuleStatus = 'passed' | 'failed' | 'not-shown';

export interface Verdict {
  rule: RuleId;
  title: string;
  status: RuleStatus;
  /** status === 'passed'. */
  passed: boolean;
  violations: Violation[];
  /** The requests the rule judged: for a pass, its evidence. */
  proof: { index: number; request: string; time?: string; messageId?: string }[];
}

interface ProductRule {
  rule: RuleId;
  title: string;
  /**
   * `run`: judged over every request so far (a second handshake, a reused token, a second download are
   * wrong whenever the first came); `window`: over the requests of the window alone (the pack drives the
   * product's cycles, so a poll is only judged against the polls of its own case).
   */
  scope: 'run' | 'window';
  check(records: RequestRecord[], facts: ProductFacts): RuleOutcome;
}

const nothing: RuleOutcome = { violations: [], proof: [] };

export const PRODUCT_RULES: ProductRule[] = [
  {
    rule: 'handshake-once-first',
    scope: 'run',
    title: 'validates its mailbox before any other call, and at most once in the window',
    check: (r, f) => handshakeOnceFirst(r, { windowMs: f.handshakeWindowMs }),
  },
  {
    rule: 'handshake-headers',
    scope: 'window',
    title: 'the handshake carries mex-ClientVersion, mex-OSName and mex-OSVersion',
    check: handshakeHeaders,
  },
  { rule: 'fresh-token', scope: 'run', title: 'a fresh auth token on every request', check: freshToken },
  {
    rule: 'accept-v2',
    scope: 'window',
    title: 'Accept: application/vnd.mesh.v2+json on every request',
    check: acceptV2,
  },
  {
    rule: 'inbox-after-send',
    scope: 'window',
    title: 'checks its inbox or tracks the message after each send',
    check: (r) => inboxAfterSend(r, { inboxOf: 'sender' }),
  },
  {
    rule: 'ack-after-download',
    scope: 'window',
    title: 'acknowledges a message straight after downloading it',
    check: ackAfterDownload,
  },
  {
    rule: 'ack-within',
    scope: 'window',
    title: 'acknowledges each download within the allowed time',
    check: (r, f) => ackWithin(r, f.ackWithinMs),
  },
  {
    rule: 'no-download-twice',
    scope: 'run',
    title: 'never downloads a message twice before acknowledging it',
    check: noDownloadTwice,
  },
  {
    rule: 'paging',
    scope: 'window',
    title: 'reads past the first 500 messages at once',
    check: (r, f) => (f.pagingFrom ? pagingPast500(r, f.pagingFrom, f.pollIntervalMs) : nothing),
  },
  { rule: 'accept-gzip', scope: 'window', title: 'Accept-Encoding: gzip on downloads', check: acceptGzipOnDownloads },
  {
    rule: 'chunked-whole',
    scope: 'window',
    title: 'fetches every chunk of a chunked message',
    check: (r, f) => chunkedFetchedWhole(r, f.chunked),
  },
  {
    rule: 'report-handled',
    scope: 'window',
    title: 'downloads and acknowledges a non-delivery report (REPORT)',
    check: (r, f) => reportHandled(r, f.reportIds),
  },
  {
    rule: 'poll-interval',
    scope: 'window',
    title: 'polls its inbox no more often than the interval',
    check: (r, f) => pollInterval(r, f.pollIntervalMs),
  },
];

/**
 * The verdicts over the requests of one product mailbox. With `from`, only what the requests from that
 * log index on did is judged (one case of a pack run); rules of scope `run` still see what came before.
 */
export function judgeProduct(records: RequestRecord[], facts: ProductFacts, from = 0): Verdict[] {
  const window = records.filter((r) => r.index >= from);
  return PRODUCT_RULES.map(({ rule, title, scope, check }) => {
    const outcome = check(scope === 'run' ? records : window, facts);
    const violations = outcome.violations
      .filter((v) => v.index === -1 || v.index >= from)
      .sort((a, b) => a.index - b.index);
    const evidence = [...new Set(outcome.proof)].filter((r) => r.index >= from).sort((a, b) => a.index - b.index);
    const status: RuleStatus = violations.length > 0 ? 'failed' : evidence.length > 0 ? 'passed' : 'not-shown';
    return {
      rule,
      title,
      status,
      passed: status === 'passed',
      violations,
      proof: evidence.map((r) => ({
        index: r.index,
        request: describeRequest(r),
        ...(r.time ? { time: r.time } : {}),
        ...(r.messageId ? { messageId: r.messageId } : {}),
      })),
    };
  });
}
