/**
 * The workflow association check against a sandbox whose workflows are restricted by a config file: the
 * FAIL names the mailbox and the workflow, an associated workflow passes, the check leaves no message in
 * any inbox, and `mesh-assure run` stops before the cases with that one message and makes no bundle.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { settingsFrom } from '../../../src/config/index.ts';
import { checkWorkflowAssociation } from '../../../src/doctor/index.ts';
import { MeshClient } from '../../../src/mesh/index.ts';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox/index.ts';
import { runCli } from '../cli/run-cli.ts';

const SUT = 'X26ABC1';
const PEER = 'X26ABC2';
const MAILBOXES = [SUT, PEER, 'X26ABC3'];

const WORKFLOWS = [
  { workflow_id: 'ONLY_SUT_SENDS', senders: [SUT], receivers: [SUT, PEER] },
  { workflow_id: 'ONLY_PEER_RECEIVES', senders: [SUT, PEER], receivers: [PEER] },
  { workflow_id: 'BOTH_WAYS', senders: [SUT, PEER], receivers: [SUT, PEER] },
];

let work: string;
let sandbox: RunningSandbox;

test.beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'doctor-workflow-'));
  const config = join(work, 'workflows.json');
  writeFileSync(config, JSON.stringify({ workflows: WORKFLOWS }));
  // Mutual TLS as on INT: a run there signs its bundle with the sut's client pair before the check.
  sandbox = await startSandbox({ tls: 'mtls', port: 0, configFile: config, dataDir: join(work, 'sandbox') });
});

test.afterAll(async () => {
  await sandbox?.close();
  rmSync(work, { recursive: true, force: true });
});

const env = (workflowId: string): Record<string, string> => ({
  MESH_TARGET: sandbox.baseUrl,
  MESH_SHARED_KEY: sandbox.sharedKey,
  MESH_MAILBOX_ID: SUT,
  MESH_MAILBOX_PASSWORD: 'password',
  MESH_PEER_MAILBOX_ID: PEER,
  MESH_PEER_MAILBOX_PASSWORD: 'password',
  MESH_WORKFLOW_ID: workflowId,
  MESH_DELIVERY_TIMEOUT_S: '20',
  MESH_CA_CERT: sandbox.tls!.caCertPath,
  MESH_CLIENT_CERT: sandbox.tls!.clients[SUT]!.certPath,
  MESH_CLIENT_KEY: sandbox.tls!.clients[SUT]!.keyPath,
  MESH_PEER_CLIENT_CERT: sandbox.tls!.clients[PEER]!.certPath,
  MESH_PEER_CLIENT_KEY: sandbox.tls!.clients[PEER]!.keyPath,
});

async function waitingIn(mailboxId: string): Promise<string[]> {
  const client = new MeshClient({
    baseUrl: sandbox.baseUrl,
    mailboxId,
    password: 'password',
    sharedKey: sandbox.sharedKey,
    caCertPath: sandbox.tls!.caCertPath,
    tls: { certPath: sandbox.tls!.clients[mailboxId]!.certPath, keyPath: sandbox.tls!.clients[mailboxId]!.keyPath },
  });
  try {
    const ids: string[] = [];
    for await (const id of client.inboxMessageIds()) ids.push(id);
    return ids;
  } finally {
    await client.close();
  }
}

const check = (workflowId: string) => {
  const settings = settingsFrom(env(workflowId));
  return checkWorkflowAssociation({ ...settings, baseUrl: settings.baseUrl! });
};

const table = [
  {
    workflow: 'ONLY_SUT_SENDS',
    status: 'FAIL',
    detail: `mailbox ${PEER} may not send workflow ONLY_SUT_SENDS (MESH answered 417 SEND/16 Sender is not allowed to send messages of this type)`,
    fix: `associate workflow ONLY_SUT_SENDS with ${PEER} (sending)`,
  },
  {
    workflow: 'ONLY_PEER_RECEIVES',
    status: 'FAIL',
    detail: `mailbox ${SUT} may not receive workflow ONLY_PEER_RECEIVES (the workflow search lists ${PEER} as its receivers)`,
    fix: `associate workflow ONLY_PEER_RECEIVES with ${SUT} (receiving)`,
  },
  {
    workflow: 'BOTH_WAYS',
    status: 'PASS',
    detail: `workflow BOTH_WAYS: probe sent, received and acknowledged ${SUT} -> ${PEER} (`,
    fix: undefined,
  },
] as const;

for (const row of table) {
  test(`workflow ${row.workflow}: ${row.status}, and no message is left in any inbox`, async () => {
    const result = await check(row.workflow);
    expect(result.status, result.detail).toBe(row.status);
    expect(result.detail).toContain(row.detail);
    if (row.fix)
      expect(result.fix).toMatch(
        new RegExp(`MESH service desk to ${row.fix.replace(/[()]/g, '\\$&')}: request it with the mailbox application`),
      );
    for (const mailbox of MAILBOXES) expect(await waitingIn(mailbox), `${mailbox} inbox`).toEqual([]);
  });
}

test('the probes were acknowledged by their recipients, as the server journal shows', async () => {
  await check('BOTH_WAYS');
  const acks = sandbox.journal
    .entries({})
    .filter((e) => e.method === 'PUT' && e.path.endsWith('/status/acknowledged') && e.status === 200);
  expect(new Set(acks.map((e) => e.mailbox))).toEqual(new Set([SUT, PEER]));
});

test('mesh-assure run stops before the cases with the one message, and makes no bundle', async () => {
  const out = join(work, 'evidence');
  const reports = join(work, 'reports');
  const run = await runCli(['run', '--out', out], { ...env('ONLY_SUT_SENDS'), MESH_ASSURE_REPORTS: reports });
  expect(run.code).toBe(1);
  expect(run.stderr.trim()).toBe(
    `mesh-assure: the run did not start: mailbox ${PEER} may not send workflow ONLY_SUT_SENDS (MESH answered 417 SEND/16 Sender is not allowed to send messages of this type). ` +
      `Fix: ask the MESH service desk to associate workflow ONLY_SUT_SENDS with ${PEER} (sending): request it with the mailbox application; or set MESH_WORKFLOW_ID to a workflow both mailboxes already have`,
  );
  expect(existsSync(out) ? readdirSync(out) : [], 'no bundle').toEqual([]);
  expect(existsSync(reports), 'the pack never ran').toBe(false);
});
