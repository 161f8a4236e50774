/**
 * doctor against NHS England's own MESH sandbox (run.sh, plain HTTP): it recognises the server, passes
 * every check it can make with only MESH_TARGET and MESH_URL set, warns when a URL target is that server
 * unannounced, and judges the workflow association from that server's own directory.
 */
import { expect, test } from '@playwright/test';
import { settingsFrom } from '../../../src/config/index.ts';
import { CHECK, runDoctor, type CheckResult } from '../../../src/doctor/index.ts';
import { MeshClient } from '../../../src/mesh/index.ts';
import { NHS_SANDBOX_KIT, nhsSandboxKitPresent, startNhsSandbox, type NhsSandbox } from '../../support/nhs-sandbox.ts';

test.skip(
  !nhsSandboxKitPresent(),
  `NHS's MESH sandbox kit is not at ${NHS_SANDBOX_KIT}: the nhs-sandbox suite is not run`,
);
test.describe.configure({ mode: 'serial' });

let server: NhsSandbox;
test.beforeAll(async () => {
  server = await startNhsSandbox({ tls: false });
});
test.afterAll(async () => server?.stop());

const doctor = (vars: Record<string, string>) => runDoctor(() => settingsFrom(vars));
const byName = (results: CheckResult[], name: string) => results.find((r) => r.name === name)!;

async function inbox(mailboxId: string): Promise<string[]> {
  const client = new MeshClient({ baseUrl: server.baseUrl, mailboxId, password: 'password', sharedKey: 'TestKey' });
  const ids: string[] = [];
  for await (const id of client.inboxMessageIds()) ids.push(id);
  await client.close();
  return ids;
}

test('MESH_TARGET=nhs-sandbox and MESH_URL are all it needs: every check passes or is SKIP with the reason', async () => {
  const results = await doctor({ MESH_TARGET: 'nhs-sandbox', MESH_URL: server.baseUrl });
  for (const r of results) expect(['PASS', 'SKIP'], `${r.name}: ${r.detail}`).toContain(r.status);
  expect(byName(results, CHECK.certificateReadable).detail).toBe("NHS's sandbox asks for no client certificate");
  expect(byName(results, CHECK.serverKind)).toMatchObject({
    status: 'PASS',
    detail: expect.stringMatching(/^NHS's own MESH sandbox/),
  });
  expect(byName(results, CHECK.workflow)).toMatchObject({
    status: 'PASS',
    detail: expect.stringMatching(
      /^workflow TEST_WORKFLOW2: probe sent, received and acknowledged X26ABC1 -> X26ABC2 \(\w+\), X26ABC2 -> X26ABC1 \(\w+\)$/,
    ),
  });
  expect([await inbox('X26ABC1'), await inbox('X26ABC2')], 'the probes left nothing waiting').toEqual([[], []]);
});

test('a URL target that is NHS sandbox is named, with the target that reports what it cannot show', async () => {
  const results = await doctor({
    MESH_TARGET: server.baseUrl,
    MESH_SHARED_KEY: 'TestKey',
    MESH_MAILBOX_ID: 'X26ABC1',
    MESH_MAILBOX_PASSWORD: 'password',
    MESH_WORKFLOW_ID: 'TEST_WORKFLOW2',
  });
  expect(byName(results, CHECK.serverKind)).toMatchObject({
    status: 'WARN',
    fix: expect.stringContaining('set MESH_TARGET=nhs-sandbox'),
  });
});

test('a workflow its directory does not list for the sut mailbox FAILs naming it; the probe the other way is acknowledged', async () => {
  const results = await doctor({
    MESH_TARGET: 'nhs-sandbox',
    MESH_URL: server.baseUrl,
    MESH_WORKFLOW_ID: 'TEST_WORKFLOW',
  });
  expect(byName(results, CHECK.workflow)).toMatchObject({
    status: 'FAIL',
    detail:
      'mailbox X26ABC1 may not receive workflow TEST_WORKFLOW (the workflow search lists X26ABC2 as its receivers)',
    fix: expect.stringContaining('MESH service desk'),
  });
  expect([await inbox('X26ABC1'), await inbox('X26ABC2')]).toEqual([[], []]);
});
