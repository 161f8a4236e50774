/**
 * Product mode off the embedded sandbox: `run` starts the recording relay in front of the target, the demo
 * product talks to it, and every assessor rule is judged per case from the relay's journal. The target is a
 * second sandbox started as a URL target with mutual TLS (the pack cannot use its admin API: it plays INT).
 * A misbehaviour fails through the relay the same rule it fails on the sandbox.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox/index.ts';
import {
  caseSummary,
  expectPassedThroughRelay,
  productRun,
  RELAY_CASES,
  STORY_RULES,
} from '../../support/product-run.ts';
import { sandboxAsUrlTarget } from '../../support/pack-environment.ts';

const SUT = 'X26ABC1';

test.describe.configure({ timeout: 300_000 });

let sandbox: RunningSandbox;
let work: string;

test.beforeEach(async () => {
  work = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'mesh-assure-relay-product-'));
  sandbox = await startSandbox({ tls: 'mtls', port: 0, dataDir: join(work, 'sandbox') });
});

test.afterEach(async () => {
  await sandbox?.close();
  rmSync(work, { recursive: true, force: true });
});

/** The settings a supplier would give for INT, pointing at the second sandbox. */
const urlTarget = (): Record<string, string> => sandboxAsUrlTarget(sandbox);

test('through the relay on a URL target, the cases pass and every rule is judged from the relay journal', async () => {
  const { outcome, output } = await productRun([], RELAY_CASES, { env: urlTarget() });
  expectPassedThroughRelay(outcome, output);
  for (const [id, rules] of Object.entries(STORY_RULES))
    expect(outcome.get(id)!.passedRules, id).toEqual(expect.arrayContaining(rules));
  // The product's requests reached the target: its journal has them, after the product's own handshake.
  const reached = sandbox.journal.entries({ mailbox: SUT }).map((e) => `${e.method} ${e.path.split('?')[0]}`);
  expect(reached[0]).toBe(`POST /messageexchange/${SUT}`);
  expect(reached).toContain(`POST /messageexchange/${SUT}/outbox`);
});

test('a product that handshakes before every call fails handshake-once-first through the relay, as on the sandbox', async () => {
  const { outcome, output } = await productRun(['handshake-per-call'], ['handshake', '201'], { env: urlTarget() });
  const summary = caseSummary(outcome);
  expect(summary, output.split('\n').slice(-80).join('\n')).toEqual({
    handshake: ['passed', []],
    '201': ['failed', ['handshake-once-first']],
  });
  expect(outcome.get('201')!.judgedFrom).toMatch(/^the recording relay's journal/);
});
