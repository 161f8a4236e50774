/**
 * What NHS assessors look for in the MESH server's logs, as rules over normalised requests: one handshake
 * before a mailbox's other calls; the inbox checked or the message tracked after each send; acknowledge
 * straight after each download; no message downloaded twice before its acknowledgement. The witness pack
 * applies them to our client's log and the sandbox journal; in product mode it applies them, with the
 * rules of product-rules.ts, to a supplier's product as the server's journal saw it.
 */
import { chunkOf, succeeded, type RequestRecord } from './requests.ts';

export type RuleId =
  | 'handshake-once-first'
  | 'handshake-headers'
  | 'fresh-token'
  | 'accept-v2'
  | 'inbox-after-send'
  | 'ack-after-download'
  | 'ack-within'
  | 'no-download-twice'
  | 'paging'
  | 'accept-gzip'
  | 'chunked-whole'
  | 'report-handled'
  | 'poll-interval';

export interface Violation {
  rule: RuleId;
  /** The offending request's index in its log; -1 when what is missing is a request that never came. */
  index: number;
  text: string;
}

/** A rule's findings, and the requests it judged (the evidence behind a pass). */
export interface RuleOutcome {
  violations: Violation[];
  proof: RequestRecord[];
}

export function byMailbox(records: RequestRecord[]): Map<string, RequestRecord[]> {
  const out = new Map<string, RequestRecord[]>();
  for (const r of records) {
    const own = out.get(r.mailbox);
    if (own) own.push(r);
    else out.set(r.mailbox, [r]);
  }
  return out;
}

export const timeOf = (r: RequestRecord): number => (r.time ? Date.parse(r.time) : NaN);

/**
 * A mailbox's first call is its handshake, and it validates again only after `windowMs` (MESH asks for
 * once a day). Without a window, once per log.
 */
export function handshakeOnceFirst(records: RequestRecord[], options: { windowMs?: number } = {}): RuleOutcome {
  const violations: Violation[] = [];
  const seen = new Map<string, { validatedAt?: number; count: number; calledUnvalidated?: boolean }>();
  const rule = 'handshake-once-first';
  for (const r of records) {
    const state = seen.get(r.mailbox) ?? { count: 0 };
    seen.set(r.mailbox, state);
    if (r.kind === 'handshake') {
      state.count += 1;
      const inWindow =
        state.validatedAt !== undefined &&
        (options.windowMs === undefined || timeOf(r) - state.validatedAt < options.windowMs);
      if (inWindow)
        violations.push({
          rule,
          index: r.index,
          text: `${r.mailbox} validated again (handshake number ${state.count} in this run)`,
        });
      else state.validatedAt = timeOf(r);
      if (state.calledUnvalidated && state.count === 1)
        violations.push({ rule, index: r.index, text: `${r.mailbox} validated its mailbox only after other calls` });
    } else if (state.count === 0 && !state.calledUnvalidated) {
      violations.push({
        rule,
        index: r.index,
        text: `${r.mailbox} called ${r.method} ${r.path} before validating the mailbox`,
      });
      state.calledUnvalidated = true;
    }
  }
  return { violations, proof: records.filter((r) => r.kind === 'handshake') };
}

/**
 * After each accepted send, the sender tracks the message or an inbox is checked: the recipient's (the
 * pack, which plays both ends) or the sender's own (a product, judged alone).
 */
export function inboxAfterSend(records: RequestRecord[], options: { inboxOf: 'recipient' | 'sender' }): RuleOutcome {
  const violations: Violation[] = [];
  const proof: RequestRecord[] = [];
  records.forEach((send, position) => {
    if (send.kind !== 'send' || !succeeded(send)) return;
    const inboxOwner = options.inboxOf === 'recipient' ? send.to : send.mailbox;
    const follow = records
      .slice(position + 1)
      .find(
        (c) => (c.kind === 'track' && c.mailbox === send.mailbox) || (c.kind === 'inbox' && c.mailbox === inboxOwner),
      );
    if (follow) proof.push(send, follow);
    else {
      const inbox = options.inboxOf === 'recipient' ? 'was the recipient inbox checked' : 'checked its inbox';
      violations.push({
        rule: 'inbox-after-send',
        index: send.index,
        text: `${send.mailbox} sent to ${send.to ?? '?'} and neither tracked the message nor ${inbox} afterwards`,
      });
    }
  });
  return { violations, proof };
}

/** The mailbox's next call after a download is the next chunk or the acknowledgement of that message. */
export function ackAfterDownload(records: RequestRecord[]): RuleOutcome {
  const violations: Violation[] = [];
  const proof: RequestRecord[] = [];
  for (const own of byMailbox(records).values()) {
    own.forEach((call, i) => {
      if (call.kind !== 'download' || !succeeded(call)) return;
      const next = own[i + 1];
      const continues =
        next && next.messageId === call.messageId && (next.kind === 'download' || next.kind === 'acknowledge');
      if (continues) proof.push(call);
      else {
        const what = next ? `${next.method} ${next.path}` : 'nothing';
        violations.push({
          rule: 'ack-after-download',
          index: call.index,
          text: `${call.mailbox} downloaded ${call.messageId} and then did ${what} instead of acknowledging it`,
        });
      }
    });
  }
  return { violations, proof };
}

/** Chunk 1 of a message is fetched once until the message is acknowledged. */
export function noDownloadTwice(records: RequestRecord[]): RuleOutcome {
  const violations: Violation[] = [];
  const proof: RequestRecord[] = [];
  const downloads = new Map<string, number>();
  for (const r of records) {
    const key = `${r.mailbox} ${r.messageId}`;
    if (r.kind === 'acknowledge') downloads.delete(key);
    if (r.kind !== 'download' || !succeeded(r) || chunkOf(r) !== 1) continue;
    const count = (downloads.get(key) ?? 0) + 1;
    downloads.set(key, count);
    proof.push(r);
    if (count > 1)
      violations.push({
        rule: 'no-download-twice',
        index: r.index,
        text: `${r.mailbox} downloaded ${r.messageId} ${count} times before acknowledging it`,
      });
  }
  return { violations, proof };
}

/** The witness pack's rules over the requests of a whole run; each violation points at the request that broke it. */
export function checkAssessorRules(records: RequestRecord[]): Violation[] {
  const outcomes = [
    handshakeOnceFirst(records),
    inboxAfterSend(records, { inboxOf: 'recipient' }),
    ackAfterDownload(records),
    noDownloadTwice(records),
  ];
  return outcomes.flatMap((o) => o.violations).sort((a, b) => a.index - b.index);
}
