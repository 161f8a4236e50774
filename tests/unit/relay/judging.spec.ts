/**
 * The relay's journal judged like the sandbox's: a misbehaving product fails the same rules through the
 * relay as on the sandbox journal, the journal file keeps no secret, and `mesh-assure judge` reads it.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { makeAuthToken } from '../../../src/protocol/index.ts';
import { judgeJournal, type RunningRelay } from '../../../src/relay/index.ts';
import { runCli } from '../cli/run-cli.ts';
import { startHarness, type Harness } from '../mesh/helpers.ts';
import { PEER, PRODUCT, productClient, relayInFront } from './helpers.ts';

let h: Harness;
let relay: RunningRelay;
let journalFile: string;
test.beforeAll(async () => {
  h = await startHarness({ tls: 'mtls' });
  // The product talks plain HTTP to this relay: the journal is the same either way.
  ({ relay, journalFile } = await relayInFront(h.sandbox, { listen: 'plain' }));
});
test.afterAll(async () => {
  await relay.close();
  await h.close();
});

const LIMITS = { ackWithinMs: 60_000, pollIntervalMs: 0, handshakeWindowMs: 24 * 3_600_000 };
const outcomes = (entries: Parameters<typeof judgeJournal>[0]) =>
  Object.fromEntries(judgeJournal(entries, LIMITS)[0]!.rules.map((r) => [r.rule, r.outcome]));

/** The journal file once it holds `count` lines (the journal writes in batches). */
async function journalLines(count: number): Promise<string[]> {
  await expect
    .poll(() => readFileSync(journalFile, 'utf8').split('\n').filter(Boolean).length)
    .toBeGreaterThanOrEqual(count);
  return readFileSync(journalFile, 'utf8').split('\n').filter(Boolean);
}

test('a product that validates before every call and downloads twice fails the same rules through the relay as on the sandbox', async () => {
  const since = new Date();
  const { client: peer } = h.client(PEER);
  const waiting = await peer.send({ to: PRODUCT, workflowId: 'MESH_ASSURE_TEST' }, 'for the product');
  const product = productClient(relay, h.sandbox);
  try {
    await product.handshake();
    await product.listInbox();
    await product.handshake();
    await product.downloadTo(waiting.messageId);
    await product.handshake();
    await product.downloadTo(waiting.messageId);
    await product.acknowledge(waiting.messageId);
  } finally {
    await product.close();
  }
  const relayed = outcomes(relay.journal.entries({ mailbox: PRODUCT, since }));
  expect(relayed).toEqual(outcomes(h.sandbox.journal.entries({ mailbox: PRODUCT, since })));
  expect(relayed).toMatchObject({
    'handshake-once-first': 'FAIL',
    'no-download-twice': 'FAIL',
    'accept-v2': 'PASS',
    paging: 'not shown',
    'inbox-after-send': 'not shown',
  });

  const judged = await runCli(['judge', journalFile]);
  expect(judged.code, judged.stderr).toBe(1);
  expect(judged.stdout).toMatch(/^ {2}FAIL +handshake-once-first /m);
  expect(judged.stdout).toMatch(/^ {2}FAIL +no-download-twice /m);
  expect(judged.stdout).toMatch(/^ {2}not shown +paging /m);
});

test('the journal file is the journal, one JSON object a line, without the Authorization header, its HMAC or any password', async () => {
  const token = makeAuthToken({ sharedKey: h.sandbox.sharedKey, mailboxId: PRODUCT, password: 'password' });
  const res = await fetch(`${relay.url}/messageexchange/${PRODUCT}`, {
    method: 'POST',
    headers: {
      authorization: token,
      accept: 'application/vnd.mesh.v2+json',
      'mex-clientversion': 'x',
      'mex-osname': 'y',
      'mex-osversion': 'z',
    },
  });
  expect(res.status).toBe(200);
  const lines = await journalLines(relay.journal.entries().length);
  expect(lines.map((l) => JSON.parse(l))).toEqual(expect.arrayContaining(relay.journal.entries()));
  const text = lines.join('\n');
  const hmac = token.split(':').at(-1)!;
  for (const secret of [hmac, h.sandbox.sharedKey, '"password"', 'authorization'])
    expect(text, secret).not.toContain(secret);
  expect(text).toContain(token.split(':')[1]); // the nonce is kept: reuse shows in the journal
});

test('judge passes a well-behaved journal, and names a file that is not a journal', async () => {
  const clean = `${journalFile}.clean.jsonl`;
  const { client: peer } = h.client(PEER);
  const waiting = await peer.send({ to: PRODUCT, workflowId: 'MESH_ASSURE_TEST' }, 'for the product');
  const other = await relayInFront(h.sandbox, { listen: 'plain', journalFile: clean });
  const product = productClient(other.relay, h.sandbox);
  try {
    await product.handshake();
    await product.downloadTo(waiting.messageId);
    await product.acknowledge(waiting.messageId);
  } finally {
    await product.close();
    await other.relay.close();
  }
  const judged = await runCli(['judge', clean, '--json']);
  expect(judged.code, judged.stdout + judged.stderr).toBe(0);
  const rules = (JSON.parse(judged.stdout) as { mailboxes: { rules: { rule: string; outcome: string }[] }[] })
    .mailboxes[0]!.rules;
  expect(Object.fromEntries(rules.map((r) => [r.rule, r.outcome]))).toMatchObject({
    'handshake-once-first': 'PASS',
    'ack-within': 'PASS',
    'no-download-twice': 'PASS',
    'report-handled': 'not shown',
  });

  const bad = await runCli(['judge', 'package.json']);
  expect(bad.code).not.toBe(0);
  expect(bad.stderr).toMatch(/package\.json: line 1 is not JSON .*one JSON object a line/);
});

for (const row of [
  { name: 'downloads a REPORT and leaves it', acknowledges: false, outcome: 'FAIL' },
  { name: 'downloads a REPORT and acknowledges it', acknowledges: true, outcome: 'PASS' },
]) {
  test(`judge sees the REPORTs a journal's answers name: a product that ${row.name} is ${row.outcome}`, async () => {
    const other = await relayInFront(h.sandbox, { listen: 'plain' });
    const product = productClient(other.relay, h.sandbox);
    try {
      await product.handshake();
      const sent = await product.send({ to: PEER, workflowId: 'MESH_ASSURE_TEST' }, 'never collected');
      await product.track(sent.messageId);
      const expired = (await h.admin('POST', `/message/${sent.messageId}/expire`)) as { report_message_id: string };
      const report = expired.report_message_id;
      expect((await product.listInbox()).messages).toContain(report);
      await product.downloadTo(report);
      if (row.acknowledges) await product.acknowledge(report);
      const verdict = judgeJournal(other.relay.journal.entries({ mailbox: PRODUCT }), LIMITS)[0]!.rules.find(
        (r) => r.rule === 'report-handled',
      )!;
      expect(verdict.outcome).toBe(row.outcome);
      if (!row.acknowledges)
        expect(verdict.findings).toEqual([`the REPORT ${report} was downloaded but never acknowledged`]);
    } finally {
      await product.close();
      await other.relay.close();
    }
  });
}
