/**
 * Product mode off the embedded sandbox: `run` starts the recording relay in front of the target, the demo
 * product talks to it, and every assessor rule is judged per case from the relay's journal. The target is a
 * second sandbox started as a URL target with mutual TLS (the pack cannot use its admin API: it plays INT).
 * Every case runs; each misbehaviour flag fails through the relay the same cases and rules as on the
 * embedded sandbox (the one table, tests/support/misbehaviours.ts), on the cases a single run can show.
 */
import { expect } from '@playwright/test';
import { CASES } from '../../../src/pack/catalogue.ts';
import { expectMisbehaviour, failingCases, MISBEHAVIOURS, offSandbox } from '../../support/misbehaviours.ts';
import { expectEveryCaseThroughRelay, productRun } from '../../support/product-run.ts';
import { test, URL_TARGET_MAILBOXES } from '../../support/url-target.ts';

const SUT = URL_TARGET_MAILBOXES.sut;

// A full product-mode run on a shared two-core machine: minutes, not seconds.
test.describe.configure({ mode: 'parallel', timeout: 600_000 });

const ALL_CASES = CASES.map((c) => c.id as string);

test('through the relay on a URL target, every case passes but 703, with every rule judged from the relay journal', async ({
  urlTarget,
}) => {
  const { outcome, output } = await productRun([], undefined, { env: urlTarget.settings });
  expect([...outcome.keys()].sort()).toEqual([...ALL_CASES].sort());
  // 703's report comes five days after the send on any MESH server: its first run is pending.
  expectEveryCaseThroughRelay(outcome, output, { '703': /due/ });
  expect(outcome.get('601')!.passedRules).toContain('paging');
  expect(outcome.get('501')!.passedRules).toContain('chunked-whole');
  // 701 off the sandbox: the product's wrong password got 403 from the target, through the relay.
  expect(
    urlTarget.sandbox.journal.entries({ mailbox: SUT }).filter((e) => e.status === 403).length,
    "the target's 403s to the product",
  ).toBeGreaterThan(0);
  // The product's requests reached the target: its journal has them, after the product's own handshake.
  const reached = urlTarget.sandbox.journal.entries({ mailbox: SUT }).map((e) => `${e.method} ${e.path.split('?')[0]}`);
  expect(reached[0]).toBe(`POST /messageexchange/${SUT}`);
  expect(reached).toContain(`POST /messageexchange/${SUT}/outbox`);
});

for (const m of MISBEHAVIOURS.map(offSandbox))
  test(`through the relay, a product with --${m.flags.join(' --')} fails ${failingCases(m).join(', ')} as on the sandbox`, async ({
    urlTarget,
  }) => {
    const outcome = await expectMisbehaviour(m, urlTarget.settings);
    for (const id of failingCases(m)) expect(outcome.get(id)!.judgedFrom, id).toMatch(/^the recording relay's journal/);
  });
