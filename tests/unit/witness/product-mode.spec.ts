/**
 * The witness pack in product mode on the embedded sandbox: the demo product (tests/demo-product, its own
 * process on our client library) passes every case through its commands; each misbehaviour flag fails
 * exactly its cases and, in the per-case verdicts over the product's own requests, exactly its rules. Flags
 * whose cases do not meet share a run, on the cases that show them plus a control case that must pass.
 */
import { expect, test } from '@playwright/test';
import { caseSummary, productRun, STORY_RULES } from '../../support/product-run.ts';

test.describe.configure({ timeout: 300_000 });

test('a well-behaved product passes every case in product mode, each rule judged on its own requests', async () => {
  const { outcome, output } = await productRun([], undefined);
  const summary = caseSummary(outcome);
  const expected = Object.fromEntries(
    ['handshake', '201', '202', '401', '402', '501', '502', '601', '701', '702', '703', '704', '705'].map((id) => [
      id,
      ['passed', []],
    ]),
  );
  expect(summary, output.split('\n').slice(-80).join('\n')).toEqual(expected);
  // Each case shows the rules its story is about, with the requests that prove them.
  for (const [id, rules] of Object.entries(STORY_RULES))
    expect(outcome.get(id)!.passedRules, id).toEqual(expect.arrayContaining(rules));
  expect(outcome.get('501')!.passedRules).toContain('chunked-whole');
  expect(outcome.get('601')!.passedRules).toContain('paging');
  expect(outcome.get('703')!.passedRules).toContain('report-handled');
  // A rule the case gave nothing to judge is not shown, never passed: 702's product downloads nothing.
  expect(outcome.get('702')!.passedRules).not.toContain('ack-within');
  expect(outcome.get('201')!.passedRules).not.toContain('paging');
});

interface Misbehaviour {
  flags: string[];
  cases: string[];
  /** Each case's expected result and the rules its verdicts fail. */
  expect: Record<string, [status: string, failedRules: string[]]>;
  commands?: string[];
  env?: Record<string, string>;
}

const MISBEHAVIOURS: Misbehaviour[] = [
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

for (const m of MISBEHAVIOURS) {
  const failing = Object.entries(m.expect)
    .filter(([, [status]]) => status === 'failed')
    .map(([id]) => id);
  test(`a product with --${m.flags.join(' --')} fails ${failing.join(', ')} and nothing else`, async () => {
    const { outcome, output } = await productRun(m.flags, m.cases, {
      ...(m.commands ? { commands: m.commands } : {}),
      ...(m.env ? { env: m.env } : {}),
    });
    const summary = caseSummary(outcome);
    expect(summary, output.split('\n').slice(-80).join('\n')).toEqual(m.expect);
    for (const [id, o] of outcome)
      if (o.status === 'skipped') expect(o.notDemonstrable, id).toMatch(/MESH_PRODUCT_SEND_GZIP_CMD/);
    if (m.flags.includes('retry-403-forever'))
      expect(outcome.get('701')!.stopped).toMatch(/stopped at its deadline of 10 s \(its process group was killed\)/);
  });
}
