/**
 * The demo product's misbehaviour flags and what each must fail, in one table that product mode on the
 * embedded sandbox and product mode through the recording relay both run, so the two cannot drift apart.
 * Flags whose cases do not meet share a run, on the cases that show them plus a control case that must pass.
 */
import { expect } from '@playwright/test';
import { caseSummary, productRun, type CaseOutcome } from './product-run.ts';

export interface Misbehaviour {
  flags: string[];
  cases: string[];
  /** Each case's expected result and the rules its verdicts fail. */
  expect: Record<string, [status: string, failedRules: string[]]>;
  commands?: string[];
  env?: Record<string, string>;
}

export const MISBEHAVIOURS: Misbehaviour[] = [
  {
    flags: ['handshake-per-call'],
    cases: ['handshake', '201', '401'],
    expect: {
      handshake: ['passed', []],
      '201': ['failed', ['handshake-once-first']],
      '401': ['failed', ['handshake-once-first']],
    },
  },
  // --quiet-id: the send command prints no message id, so the counterpart finds 201's message by its content
  // and the dormant mailbox 703's by its sender (never downloading it); 703's REPORT is downloaded twice.
  {
    flags: ['re-download', 'ignore-417', 'quiet-id'],
    cases: ['201', '401', '702', '703'],
    expect: {
      '201': ['passed', []],
      '401': ['failed', ['no-download-twice']],
      '702': ['failed', []],
      '703': ['failed', ['no-download-twice']],
    },
  },
  // No gzip send command: 202 is not demonstrable. A 403 retried until the deadline is a poll storm.
  {
    flags: ['no-ack', 'retry-403-forever'],
    cases: ['201', '202', '401', '701'],
    commands: ['send', 'receive', 'download'],
    env: { MESH_PRODUCT_COMMAND_TIMEOUT_S: '10' },
    expect: {
      '201': ['passed', []],
      '202': ['skipped', []],
      '401': ['failed', ['ack-after-download', 'ack-within']],
      '701': ['failed', ['poll-interval']],
    },
  },
  {
    flags: ['skip-paging'],
    cases: ['401', '601'],
    expect: { '401': ['passed', []], '601': ['failed', ['paging']] },
  },
];

/**
 * The cases only the embedded sandbox shows in one run in product mode: off it, 703's report comes five
 * days after the send, on any MESH server, so a single run cannot show what a flag does to it.
 */
export const SANDBOX_ONLY_CASES: ReadonlySet<string> = new Set(['703']);

/** The same misbehaviour without the cases a target other than the embedded sandbox cannot show in one run. */
export function offSandbox(m: Misbehaviour): Misbehaviour {
  const shown = (id: string) => !SANDBOX_ONLY_CASES.has(id);
  return {
    ...m,
    cases: m.cases.filter(shown),
    expect: Object.fromEntries(Object.entries(m.expect).filter(([id]) => shown(id))),
  };
}

/** The cases a misbehaviour fails. */
export const failingCases = (m: Misbehaviour): string[] =>
  Object.entries(m.expect)
    .filter(([, [status]]) => status === 'failed')
    .map(([id]) => id);

/**
 * Runs the demo product with the misbehaviour's flags on its cases (`env` adds a URL target's settings) and
 * expects exactly its failures, skips and stops; returns each case's outcome.
 */
export async function expectMisbehaviour(
  m: Misbehaviour,
  env: Record<string, string> = {},
): Promise<Map<string, CaseOutcome>> {
  const { outcome, output } = await productRun(m.flags, m.cases, {
    ...(m.commands ? { commands: m.commands } : {}),
    env: { ...m.env, ...env },
  });
  expect(caseSummary(outcome), output.split('\n').slice(-80).join('\n')).toEqual(m.expect);
  for (const [id, o] of outcome)
    if (o.status === 'skipped') expect(o.notDemonstrable, id).toMatch(/MESH_PRODUCT_SEND_GZIP_CMD/);
  if (m.flags.includes('retry-403-forever'))
    expect(outcome.get('701')!.stopped).toMatch(/stopped at its deadline of 10 s \(its process group was killed\)/);
  return outcome;
}
