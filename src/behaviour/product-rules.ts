/**
 * The rules the pack adds in product mode for a supplier's product, judged from the requests of the product's
 * mailbox alone: its handshake headers, a fresh token and the v2 media type on every request, gzip
 * accepted on downloads, acknowledgement within a time, paging past 500, chunked messages fetched whole,
 * the non-delivery report handled, and polling no more often than an interval.
 */
import { negotiateVersion } from '../protocol/index.ts';
import { chunkOf, describeRequest, succeeded, type RequestRecord } from './requests.ts';
import { timeOf, type RuleOutcome, type Violation } from './rules.ts';

const HANDSHAKE_HEADERS = ['mex-clientversion', 'mex-osname', 'mex-osversion'];

/** Requests that fail `ok`, each a violation with the text `why` gives. */
function everyRequest(
  records: RequestRecord[],
  rule: Violation['rule'],
  ok: (r: RequestRecord) => boolean,
  why: (r: RequestRecord) => string,
): RuleOutcome {
  const violations = records.filter((r) => !ok(r)).map((r) => ({ rule, index: r.index, text: why(r) }));
  return { violations, proof: records };
}

export function handshakeHeaders(records: RequestRecord[]): RuleOutcome {
  const handshakes = records.filter((r) => r.kind === 'handshake');
  const missing = (r: RequestRecord) => HANDSHAKE_HEADERS.filter((h) => !r.headers?.[h]?.trim());
  // No handshake leaves the rule with nothing to judge (not shown); a call before any handshake is handshake-once-first's.
  return everyRequest(
    handshakes,
    'handshake-headers',
    (r) => missing(r).length === 0,
    (r) => `handshake ${describeRequest(r)} lacks ${missing(r).join(', ')}`,
  );
}

/** No two requests of a mailbox carry the same nonce and nonce count. */
export function freshToken(records: RequestRecord[]): RuleOutcome {
  const first = new Map<string, RequestRecord>();
  const violations: Violation[] = [];
  for (const r of records) {
    if (!r.token) continue;
    const key = `${r.mailbox}:${r.token.nonce}:${r.token.nonceCount}`;
    const earlier = first.get(key);
    if (earlier)
      violations.push({
        rule: 'fresh-token',
        index: r.index,
        text: `${describeRequest(r)} reused the token (nonce ${r.token.nonce}, count ${r.token.nonceCount}) of #${earlier.index}`,
      });
    else first.set(key, r);
  }
  return { violations, proof: records.filter((r) => r.token) };
}

export function acceptV2(records: RequestRecord[]): RuleOutcome {
  const isV2 = (r: RequestRecord) => {
    const negotiated = negotiateVersion(r.headers?.accept);
    return negotiated.ok && negotiated.version === 2;
  };
  return everyRequest(
    records,
    'accept-v2',
    isV2,
    (r) => `${describeRequest(r)} sent Accept: ${r.headers?.accept ?? '(none)'}`,
  );
}

export function acceptGzipOnDownloads(records: RequestRecord[]): RuleOutcome {
  const downloads = records.filter((r) => r.kind === 'download');
  const gzip = (r: RequestRecord) => /\bgzip\b/i.test(r.headers?.['accept-encoding'] ?? '');
  return everyRequest(
    downloads,
    'accept-gzip',
    gzip,
    (r) => `${describeRequest(r)} sent Accept-Encoding: ${r.headers?.['accept-encoding'] ?? '(none)'}`,
  );
}

/** Each successful download is followed by the acknowledgement of its message within `withinMs`. */
export function ackWithin(records: RequestRecord[], withinMs: number): RuleOutcome {
  const violations: Violation[] = [];
  const proof: RequestRecord[] = [];
  records.forEach((d, position) => {
    if (d.kind !== 'download' || !succeeded(d)) return;
    const ack = records
      .slice(position + 1)
      .find((r) => r.kind === 'acknowledge' && r.mailbox === d.mailbox && r.messageId === d.messageId);
    if (ack && timeOf(ack) - timeOf(d) <= withinMs) proof.push(d, ack);
    else {
      const late = ack ? `acknowledged ${timeOf(ack) - timeOf(d)} ms later by #${ack.index}` : 'never acknowledged';
      violations.push({
        rule: 'ack-within',
        index: d.index,
        text: `${describeRequest(d)}: ${d.messageId} ${late} (allowed ${withinMs} ms)`,
      });
    }
  });
  return { violations, proof: [...new Set(proof)] };
}

/** A poll: an inbox list that starts from the top (a page after `continue_from` belongs to the poll before it). */
const isPoll = (r: RequestRecord) => r.kind === 'inbox' && !/[?&]continue_from=/.test(r.path);

/**
 * More than 500 messages were waiting from `waitingFrom`: the first poll after that got a full page, so the
 * product must read on at once, by `links.next` (continue_from) or by polling again without a pause of a
 * poll interval, instead of leaving the rest for its next poll cycle.
 */
export function pagingPast500(records: RequestRecord[], waitingFrom: string, pollIntervalMs: number): RuleOutcome {
  const rule = 'paging';
  const from = Date.parse(waitingFrom);
  const start = records.findIndex((r) => isPoll(r) && timeOf(r) >= from);
  if (start < 0)
    return {
      violations: [
        { rule, index: -1, text: 'the product never checked its inbox while more than 500 messages were waiting' },
      ],
      proof: [],
    };
  const first = records[start]!;
  const laterPoll = records.findIndex((r, i) => i > start && isPoll(r));
  const between = records.slice(start + 1, laterPoll < 0 ? undefined : laterPoll);
  const page = between.find((r) => r.kind === 'inbox');
  if (page) return { violations: [], proof: [first, page] };
  const next = records[laterPoll];
  const pause = next ? timeOf(next) - timeOf(records[laterPoll - 1]!) : Infinity;
  if (next && pause < pollIntervalMs) return { violations: [], proof: [first, next] };
  const text = next
    ? `after the full page of ${describeRequest(first)} the product paused ${pause} ms before its next poll ${describeRequest(next)} (continue_from never used)`
    : `after the full page of ${describeRequest(first)} the product never asked for the next page`;
  return { violations: [{ rule, index: next?.index ?? first.index, text }], proof: [first, ...(next ? [next] : [])] };
}

/** Every chunk 1..N of each chunked message was fetched before it was acknowledged. */
export function chunkedFetchedWhole(
  records: RequestRecord[],
  chunked: { messageId: string; chunks: number }[],
): RuleOutcome {
  const violations: Violation[] = [];
  const proof: RequestRecord[] = [];
  for (const { messageId, chunks } of chunked) {
    const id = messageId.toUpperCase();
    const ackAt = records.findIndex((r) => r.kind === 'acknowledge' && r.messageId === id && succeeded(r));
    const fetched = records.filter(
      (r, i) => r.kind === 'download' && r.messageId === id && succeeded(r) && (ackAt < 0 || i < ackAt),
    );
    proof.push(...fetched);
    const missing = Array.from({ length: chunks }, (_, i) => i + 1).filter(
      (n) => !fetched.some((r) => chunkOf(r) === n),
    );
    if (fetched.length === 0)
      violations.push({
        rule: 'chunked-whole',
        index: -1,
        text: `the chunked message ${id} (${chunks} chunks) was never downloaded`,
      });
    else if (missing.length > 0) {
      const ack = ackAt < 0 ? undefined : records[ackAt]!;
      violations.push({
        rule: 'chunked-whole',
        index: ack?.index ?? fetched.at(-1)!.index,
        text: `${id}: chunks ${missing.join(', ')} of ${chunks} never fetched${ack ? ` before its acknowledgement ${describeRequest(ack)}` : ''}`,
      });
    }
  }
  return { violations, proof };
}

/** Each REPORT (non-delivery report) was downloaded and then acknowledged. */
export function reportHandled(records: RequestRecord[], reportIds: string[]): RuleOutcome {
  const violations: Violation[] = [];
  const proof: RequestRecord[] = [];
  for (const reportId of reportIds.map((id) => id.toUpperCase())) {
    const download = records.findIndex((r) => r.kind === 'download' && r.messageId === reportId && succeeded(r));
    const ack = records.find(
      (r, i) => i > download && r.kind === 'acknowledge' && r.messageId === reportId && succeeded(r),
    );
    if (download >= 0) proof.push(records[download]!);
    if (ack && download >= 0) proof.push(ack);
    else
      violations.push({
        rule: 'report-handled',
        index: download >= 0 ? records[download]!.index : -1,
        text: `the REPORT ${reportId} was ${download < 0 ? 'never downloaded' : 'downloaded but never acknowledged'}`,
      });
  }
  return { violations, proof };
}

/** Polls come at least `intervalMs` apart, unless the poll before found work (a download came between). */
export function pollInterval(records: RequestRecord[], intervalMs: number): RuleOutcome {
  const violations: Violation[] = [];
  let previous: RequestRecord | undefined;
  let workSince = false;
  for (const r of records) {
    if (r.kind === 'download') workSince = true;
    if (!isPoll(r)) continue;
    if (previous && !workSince && timeOf(r) - timeOf(previous) < intervalMs) {
      violations.push({
        rule: 'poll-interval',
        index: r.index,
        text: `${describeRequest(r)} polled ${timeOf(r) - timeOf(previous)} ms after ${describeRequest(previous)} with nothing downloaded between (interval ${intervalMs} ms)`,
      });
    }
    previous = r;
    workSince = false;
  }
  return { violations, proof: records.filter(isPoll) };
}
