/** The outcome of an observed session: one case per rule, printed, and packed as the bundle's observe.json. */
import type { Writable } from 'node:stream';
import type { Verdict } from '../behaviour/index.ts';
import type { JudgedRule } from '../evidence/index.ts';
import type { ReceivedCheck } from './counterpart.ts';

/** One rule's verdict, as the bundle records it: findings and proving requests each name a journal request. */
export type ObserveCase = JudgedRule;

export interface ObserveResult {
  /** Always true: the product talked to the embedded sandbox, not to a MESH environment. */
  rehearsal: true;
  target: string;
  startedAt: string;
  finishedAt: string;
  product: string;
  counterpart: string;
  workflowId: string;
  limits: { ackWithinMs: number; pollIntervalMs: number; handshakeWindowMs: number; pagingMessages: number };
  cases: ObserveCase[];
  /** Steps of the session the product never completed. */
  openSteps: string[];
  /** Product commands that exited with an error. */
  failedCommands: { command: string; code: number | null; tail: string }[];
  passed: boolean;
}

export function verdictCase(v: Verdict): ObserveCase {
  const messageIds = [...new Set(v.proof.flatMap((p) => (p.messageId ? [p.messageId] : [])))];
  return {
    id: v.rule,
    title: v.title,
    passed: v.passed,
    ...(v.status === 'not-shown' ? { notShown: true as const } : {}),
    findings: v.violations.map((x) => x.text),
    requests: v.proof.map((p) => p.request),
    messageIds,
  };
}

export function sentMessageCase(checks: ReceivedCheck[], counterpart: string): ObserveCase {
  const findings =
    checks.length === 0
      ? [`no message from the product reached ${counterpart}`]
      : checks.flatMap((c) => c.problems.map((p) => `${c.messageId}: ${p}`));
  return {
    id: 'sent-message',
    title: `the product's message reaches ${counterpart} with the right headers and content`,
    passed: findings.length === 0,
    findings,
    requests: checks.map((c) => `message ${c.messageId}`),
    messageIds: checks.map((c) => c.messageId),
  };
}

/** How many findings a printed verdict lists; the JSON keeps them all. */
const PRINTED_FINDINGS = 5;

export function printResult(out: Writable, result: ObserveResult): void {
  out.write(`\nVerdicts (sandbox rehearsal, product mailbox ${result.product}):\n`);
  for (const c of result.cases) {
    out.write(`  ${c.notShown ? 'NOT SHOWN' : c.passed ? 'PASS' : 'FAIL'}  ${c.id.padEnd(20)} ${c.title}\n`);
    for (const finding of c.findings.slice(0, PRINTED_FINDINGS)) out.write(`          - ${finding}\n`);
    if (c.findings.length > PRINTED_FINDINGS)
      out.write(
        `          … and ${c.findings.length - PRINTED_FINDINGS} more (see reports/observe.json in the bundle)\n`,
      );
  }
  for (const step of result.openSteps) out.write(`  not done: ${step}\n`);
  for (const failed of result.failedCommands)
    out.write(`  product command exited ${failed.code}: ${failed.command}\n${failed.tail.replace(/^/gm, '      ')}\n`);
  const failedCount = result.cases.filter((c) => !c.passed && !c.notShown).length;
  const notShown = result.cases.filter((c) => c.notShown).length;
  const verdict =
    failedCount > 0
      ? `${failedCount} of ${result.cases.length} rules failed.`
      : notShown > 0
        ? 'No rule failed.'
        : 'Every rule passed.';
  out.write(`\n${verdict}${notShown > 0 ? ` ${notShown} not shown (nothing to judge).` : ''}\n`);
}
