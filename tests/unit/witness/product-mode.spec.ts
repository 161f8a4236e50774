/**
 * The witness pack in product mode on the embedded sandbox: the demo product (tests/demo-product, its own
 * process on our client library) passes every case through its commands; each misbehaviour flag fails
 * exactly its cases and, in the per-case verdicts over the product's own requests, exactly its rules (the
 * table in tests/support/misbehaviours.ts, which the relay's product-mode spec runs too).
 */
import { expect, test } from '@playwright/test';
import { expectMisbehaviour, failingCases, MISBEHAVIOURS } from '../../support/misbehaviours.ts';
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

for (const m of MISBEHAVIOURS)
  test(`a product with --${m.flags.join(' --')} fails ${failingCases(m).join(', ')} and nothing else`, async () => {
    await expectMisbehaviour(m);
  });
