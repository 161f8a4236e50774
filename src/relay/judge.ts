/**
 * The product rules' verdicts over a journal file (the relay's, or the sandbox's journal.jsonl): one per rule and
 * mailbox, and "not shown" where the journal holds nothing to judge, never a pass.
 */
import { readFile } from 'node:fs/promises';
import {
  byMailbox,
  judgeProduct,
  toRequestRecords,
  type RawRequest,
  type RequestRecord,
  type RuleId,
} from '../behaviour/index.ts';
import type { RelayJournalEntry } from './journal-entry.ts';

export interface JudgeLimits {
  ackWithinMs: number;
  pollIntervalMs: number;
  handshakeWindowMs: number;
}

export type Outcome = 'PASS' | 'FAIL' | 'not shown';

export interface RuleJudgement {
  rule: RuleId;
  title: string;
  outcome: Outcome;
  /** For FAIL, what broke the rule; for "not shown", why. */
  findings: string[];
  /** The journal requests the rule judged (`#index METHOD path status`). */
  requests: string[];
}

export interface JournalJudgement {
  mailbox: string;
  rules: RuleJudgement[];
  /** Requests the relay journalled with a fault (target unreachable, certificate refused, cut mid-body). */
  faults: string[];
}

/** Rules that need what the counterpart put in the inbox (over 500 messages, chunked ones): a journal does not say. */
const NEEDS_DELIVERIES: ReadonlySet<RuleId> = new Set(['paging', 'chunked-whole']);

/**
 * The REPORTs the product was told of: a download's or HEAD's answer says a message is one. A REPORT it
 * never asked about is in no journal, so report-handled judges these, and is not shown without any.
 */
function reportsSeen(records: readonly RequestRecord[]): string[] {
  const seen = records.filter((r) => r.answer?.messageType?.toUpperCase() === 'REPORT' && r.messageId);
  return [...new Set(seen.map((r) => r.messageId!))];
}

export function judgeJournal(entries: readonly RelayJournalEntry[], limits: JudgeLimits): JournalJudgement[] {
  const faults = entries.flatMap((e, index) =>
    e.fault ? [{ index, mailbox: e.mailbox, text: `#${index} ${e.method} ${e.path} ${e.status}: ${e.fault}` }] : [],
  );
  return [...byMailbox(toRequestRecords(entries))].map(([mailbox, records]) => {
    const verdicts = judgeProduct(records, { ...limits, chunked: [], reportIds: reportsSeen(records) });
    const rules = verdicts.map((v): RuleJudgement => {
      const requests = v.proof.map((p) => p.request);
      if (NEEDS_DELIVERIES.has(v.rule))
        return {
          rule: v.rule,
          title: v.title,
          outcome: 'not shown',
          findings: ['needs what was delivered to the inbox, which a journal does not record'],
          requests: [],
        };
      if (v.status === 'not-shown')
        return {
          rule: v.rule,
          title: v.title,
          outcome: 'not shown',
          findings: ['no request in the journal this rule applies to'],
          requests,
        };
      return {
        rule: v.rule,
        title: v.title,
        outcome: v.status === 'passed' ? 'PASS' : 'FAIL',
        findings: v.violations.map((x) => x.text),
        requests,
      };
    });
    return { mailbox, rules, faults: faults.filter((f) => f.mailbox === mailbox).map((f) => f.text) };
  });
}

function isEntry(value: unknown): value is RawRequest {
  const e = value as Partial<RawRequest> | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof e.method === 'string' &&
    typeof e.path === 'string' &&
    typeof e.status === 'number' &&
    typeof e.headers === 'object'
  );
}

/** A journal: JSONL as the relay and the sandbox write it, or a JSON array (an observe bundle's product journal). */
export async function readJournalFile(path: string): Promise<RelayJournalEntry[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(
      `cannot read the journal ${path} (${(error as { code?: string }).code ?? 'error'}): give the file the relay's --journal wrote, or a sandbox's journal.jsonl`,
    );
  }
  const lines = text.trimStart().startsWith('[')
    ? [{ n: 1, value: parse(text, path, 1) }]
    : text
        .split('\n')
        .flatMap((line, i) => (line.trim() === '' ? [] : [{ n: i + 1, value: parse(line, path, i + 1) }]));
  const entries = lines.flatMap(({ n, value }) =>
    Array.isArray(value) ? value.map((v, i) => ({ n: i + 1, v, array: true })) : [{ n, v: value, array: false }],
  );
  for (const { n, v, array } of entries) {
    if (!isEntry(v))
      throw new Error(
        `${path}: ${array ? `entry ${n}` : `line ${n}`} is not a journal entry (it needs method, path, status and headers)`,
      );
  }
  return entries.map((e) => e.v as RelayJournalEntry);
}

function parse(text: string, path: string, line: number): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(
      `${path}: line ${line} is not JSON (${(error as Error).message}): a journal has one JSON object a line`,
    );
  }
}

const PRINTED_FINDINGS = 5;

export function formatJudgement(judgements: JournalJudgement[]): string[] {
  if (judgements.length === 0) return ['The journal holds no MESH mailbox request: every rule is not shown.'];
  const lines: string[] = [];
  for (const { mailbox, rules, faults } of judgements) {
    lines.push(`Verdicts for mailbox ${mailbox}:`);
    for (const r of rules) {
      lines.push(`  ${r.outcome.padEnd(9)} ${r.rule.padEnd(20)} ${r.title}`);
      for (const finding of r.findings.slice(0, PRINTED_FINDINGS)) lines.push(`            - ${finding}`);
      if (r.findings.length > PRINTED_FINDINGS)
        lines.push(`            … and ${r.findings.length - PRINTED_FINDINGS} more (--json lists all)`);
    }
    for (const fault of faults) lines.push(`  fault: ${fault}`);
    const failed = rules.filter((r) => r.outcome === 'FAIL').length;
    const shown = rules.filter((r) => r.outcome !== 'not shown').length;
    lines.push(
      `  ${failed === 0 ? `no rule failed (${shown} of ${rules.length} shown)` : `${failed} of ${rules.length} rules failed`}`,
      '',
    );
  }
  return lines;
}
