/**
 * 703 in product mode off the embedded sandbox, over two runs. NHS's own sandbox never expires a message
 * (its README and code: no expiry, only an admin call that writes a REPORT nobody's expiry caused), so the
 * second phase cannot happen there for real: the target is a second sandbox of ours started as a URL target,
 * whose clock the test moves through its admin API (a real server, a real clock move; it accepts the real
 * time the product and the pack sign their tokens with). The pack itself never calls that admin API. The
 * product talks to it through the recording relay, as it would to INT; reference mode's two runs are shown
 * against it too.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { SandboxAdmin } from '../../../fixtures/sandbox-admin.ts';
import { runWitnessPack } from '../../../src/pack/runner.ts';
import { readJournalFile } from '../../../src/relay/index.ts';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox/index.ts';
import { packEnvironment, sandboxAsUrlTarget } from '../../support/pack-environment.ts';
import { outcomes, productRun, type CaseOutcome } from '../../support/product-run.ts';

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

const last60 = (output: string) => output.split('\n').slice(-60).join('\n');

/** One pack run of 703 with the demo product, continuing from the previous run's state. */
async function run703(flags: string[] = []): Promise<{ case: CaseOutcome; output: string }> {
  const { outcome, output } = await productRun(flags, ['703'], { env: sandboxAsUrlTarget(sandbox), work });
  return { case: outcome.get('703')!, output: last60(output) };
}

/** One pack run of 703 in reference mode (our client is the sut), continuing from the previous run's state. */
async function referenceRun703(): Promise<{ case: CaseOutcome; output: string }> {
  const run = await runWitnessPack({
    reportsRoot: join(work, 'reports'),
    output: 'capture',
    caseIds: ['703'],
    env: packEnvironment({ ...sandboxAsUrlTarget(sandbox), MESH_DELIVERY_TIMEOUT_S: '20' }),
  });
  return { case: outcomes(run.report).get('703')!, output: last60(run.output) };
}

/** The nonces of the tokens the relay forwarded in the last pack run (its journal is begun afresh each run). */
async function relayedNonces(): Promise<Set<string>> {
  const entries = await readJournalFile(join(work, 'reports', 'state', 'relay-journal.jsonl'));
  return new Set(entries.flatMap((e) => (e.token ? [e.token.nonce] : [])));
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

  // A product that leaves the REPORT alone, or downloads it and never acknowledges it, fails the second
  // phase, saying so; the case stays pending for the next run.
  const misbehaving: [flag: string, error: RegExp][] = [
    ['skip-report', new RegExp(`looked at the REPORT \\S+ on ${original} but never downloaded it`)],
    [
      'no-ack',
      new RegExp(
        `downloaded the REPORT \\S+ on ${original} but did not acknowledge it \\(no 2xx to PUT .*/status/acknowledged`,
      ),
    ],
  ];
  for (const [flag, error] of misbehaving) {
    forgetLastHandshake();
    const failing = await run703([flag]);
    expect(failing.case.status, failing.output).toBe('failed');
    expect(failing.case.errors.join('\n'), flag).toMatch(error);
  }

  forgetLastHandshake();
  const beforeSecond = sandbox.journal.entries().length;
  const second = await run703();
  expect([second.case.status, second.case.failedRules], second.output).toEqual(['passed', []]);
  expect(second.case.judgedFrom).toMatch(/^the recording relay's journal/);
  expect(second.case.passedRules).toContain('report-handled');
  // Every request the target saw on the product's mailbox in that run came through the relay: the pack
  // made none of its own with the product's credentials (each request signs a token with a fresh nonce).
  const relayed = await relayedNonces();
  const atTarget = sandbox.journal
    .entries()
    .slice(beforeSecond)
    .filter((e) => e.mailbox === SUT);
  expect(atTarget.length, 'requests on the product mailbox in the second phase').toBeGreaterThan(0);
  expect(
    atTarget.filter((e) => !e.token || !relayed.has(e.token.nonce)).map((e) => `${e.method} ${e.path} ${e.status}`),
    "requests on the product's mailbox that did not come through the relay",
  ).toEqual([]);
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

test("703 in reference mode off the sandbox: due five days and six hours after the send by the server's clock, and checked by it", async () => {
  // The server is ten days ahead of this machine: by this machine's clock the report would be due long
  // before the send (by the server's), and after the move below not yet due.
  const { now: serverAtSend } = await admin.advanceClock(10 * 86_400);
  const first = await referenceRun703();
  expect(first.case.status, first.output).toBe('skipped');
  const [, sent, due] = /^sent (\S+) to X26ABC3; .* \(due (\S+)\)$/.exec(first.case.pending ?? '') ?? [];
  expect(sent, first.case.pending).toBeDefined();
  const dueAfterSend = Date.parse(due!) - Date.parse(serverAtSend);
  expect(dueAfterSend, 'the due date, after the server time of the send').toBeGreaterThanOrEqual(
    (PAST_DUE_S - 3_600) * 1000,
  );
  expect(dueAfterSend).toBeLessThan((PAST_DUE_S - 3_600) * 1000 + 120_000);

  await admin.advanceClock(PAST_DUE_S);
  const second = await referenceRun703();
  expect(second.case.status, second.output).toBe('passed');
  expect(await admin.message(sent!)).toMatchObject({ status: 'Undeliverable' });
});
