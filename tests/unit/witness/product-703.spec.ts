/**
 * 703 in product mode off the embedded sandbox, over two runs. NHS's own sandbox never expires a message
 * (its README and code: no expiry, only an admin call that writes a REPORT nobody's expiry caused), so the
 * second phase cannot happen there for real: the target is a second sandbox of ours started as a URL target,
 * whose clock the test moves through its admin API (a real server, a real clock move; it accepts the real
 * time the product and the pack sign their tokens with). The pack itself never calls that admin API.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { SandboxAdmin } from '../../../fixtures/sandbox-admin.ts';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox/index.ts';
import { sandboxAsUrlTarget } from '../../support/pack-environment.ts';
import { productRun, type CaseOutcome } from '../../support/product-run.ts';

const [SUT, DORMANT] = ['X26ABC1', 'X26ABC3'];
/** Past MESH's five days and the pack's six hours of grace. */
const PAST_DUE_S = 5 * 86_400 + 7 * 3_600;

test.describe.configure({ timeout: 600_000 });

let sandbox: RunningSandbox;
let admin: SandboxAdmin;
let work: string;

test.beforeEach(async () => {
  work = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'mesh-assure-product-703-'));
  sandbox = await startSandbox({ tls: 'mtls', port: 0, dataDir: join(work, 'sandbox'), relax: { tokenTime: true } });
  const tls = sandbox.tls!;
  admin = new SandboxAdmin(
    { baseUrl: sandbox.baseUrl, adminUrl: sandbox.adminUrl, caCertPath: tls.caCertPath, clients: tls.clients },
    tls.clients[SUT]!,
  );
});

test.afterEach(async () => {
  await admin?.close();
  await sandbox?.close();
  rmSync(work, { recursive: true, force: true });
});

/** One pack run of 703 with the demo product, continuing from the previous run's state. */
async function run703(flags: string[] = []): Promise<{ case: CaseOutcome; output: string }> {
  const { outcome, output } = await productRun(flags, ['703'], { env: sandboxAsUrlTarget(sandbox), work });
  return { case: outcome.get('703')!, output: output.split('\n').slice(-60).join('\n') };
}

/**
 * Days have passed for the product too: each second-phase run is a new day, when it validates its mailbox
 * again (the demo product remembers its last handshake by this machine's clock, which the test cannot move).
 */
const forgetLastHandshake = () => rmSync(join(work, 'state.json'));

/** The product's sends to the dormant mailbox, as the target's journal has them: their message ids. */
const sendsToDormant = () =>
  sandbox.journal
    .entries({ mailbox: SUT })
    .filter((e) => e.method === 'POST' && e.path.endsWith('/outbox') && e.headers['mex-to'] === DORMANT)
    .map((e) => e.messageId);

test('703 off the sandbox: pending after the product sends, pending before due, passed once the target expired it and the product collected the REPORT', async () => {
  const first = await run703();
  expect(first.case.status, first.output).toBe('skipped');
  expect(first.case.pending).toMatch(
    new RegExp(
      `^the product sent (\\S+) to ${DORMANT}; run the pack again after the due date.* \\(due \\d{4}-\\d\\d-\\d\\dT`,
    ),
  );
  const original = /the product sent (\S+) to/.exec(first.case.pending!)![1]!;
  expect(sendsToDormant()).toEqual([original]);

  const early = await run703();
  expect([early.case.status, early.case.pending], early.output).toEqual([
    'skipped',
    expect.stringMatching(new RegExp(`^the report on ${original}, which the product sent .* is not due yet`)),
  ]);
  expect(sendsToDormant(), 'no second send while the first is pending').toEqual([original]);

  await admin.advanceClock(PAST_DUE_S);
  expect(await admin.message(original)).toMatchObject({ status: 'Undeliverable' });

  // A product that never collects REPORTs fails the second phase, and the case stays pending for the next run.
  forgetLastHandshake();
  const skipping = await run703(['skip-report']);
  expect(skipping.case.status, skipping.output).toBe('failed');

  forgetLastHandshake();
  const second = await run703();
  expect([second.case.status, second.case.failedRules], second.output).toEqual(['passed', []]);
  expect(second.case.judgedFrom).toMatch(/^the recording relay's journal/);
  expect(second.case.passedRules).toContain('report-handled');
  // The target saw the product download and then acknowledge the REPORT on exactly that message.
  const own = sandbox.journal.entries({ mailbox: SUT }).filter((e) => /\/inbox\/[^/?]+(\/|$)/.test(e.path));
  const acknowledged = own.filter((e) => e.method === 'PUT' && e.status === 200).map((e) => e.messageId!);
  expect(acknowledged).toHaveLength(1);
  const reportId = acknowledged[0]!;
  expect(await admin.message(reportId)).toMatchObject({ message_type: 'Report', linked_msg_id: original });
  expect(
    own.filter((e) => e.messageId === reportId && e.method !== 'HEAD').map((e) => `${e.method} ${e.status}`),
  ).toEqual(expect.arrayContaining(['GET 200', 'PUT 200']));
  const pending = JSON.parse(readFileSync(join(work, 'reports', 'state', 'pending-703.json'), 'utf8')) as object;
  expect(Object.keys(pending), 'the pending record is cleared once the report is checked').toEqual([]);
});

test('a product that prints no message id: the first phase names its message from the relay journal', async () => {
  const first = await run703(['quiet-id']);
  expect(first.case.status, first.output).toBe('skipped');
  const [sent] = sendsToDormant();
  expect(sent).toBeDefined();
  expect(first.case.pending).toMatch(new RegExp(`^the product sent ${sent} to ${DORMANT};`));
});
