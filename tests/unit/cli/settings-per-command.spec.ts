/**
 * Each command asks only for the settings it uses, and mailbox ids follow one rule everywhere a person
 * types one: against a URL target (the embedded sandbox on a loopback port, as any MESH server).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox/index.ts';
import { runCli } from './run-cli.ts';

let sandbox: RunningSandbox;
let dir: string;
/** A URL target with what a MESH command needs, and no MESH_WORKFLOW_ID. */
const urlTarget = () => ({
  MESH_TARGET: sandbox.baseUrl,
  MESH_MAILBOX_ID: 'X26ABC1',
  MESH_MAILBOX_PASSWORD: 'password',
  MESH_SHARED_KEY: 'TestKey',
});

test.beforeAll(async () => {
  sandbox = await startSandbox();
  dir = mkdtempSync(join(tmpdir(), 'cli-settings-'));
  writeFileSync(join(dir, 'hello.txt'), 'hello\n');
});
test.afterAll(async () => sandbox.close());

test('handshake and send --workflow against a URL target need no MESH_WORKFLOW_ID', async () => {
  const handshake = await runCli(['handshake'], urlTarget());
  expect(handshake.stderr).not.toContain('MESH_WORKFLOW_ID');
  expect(handshake.code, handshake.stderr).toBe(0);
  const send = await runCli(
    ['send', join(dir, 'hello.txt'), '--to', 'X26ABC2', '--workflow', 'MESH_ASSURE_TEST'],
    urlTarget(),
  );
  expect(send.code, send.stderr).toBe(0);
  expect(send.stdout.trim().split('\n').at(-1)).toMatch(/^\d{20}_[0-9A-F]{6}$/);
});

const LOWER_CASE: { what: string; args: (d: string) => string[]; env?: Record<string, string>; says: string }[] = [
  {
    what: 'csr --mailbox',
    args: (d) => ['csr', '--mailbox', 'x26abc1', '--ods', 'X26', '--out', d],
    says: 'use upper case: X26ABC1',
  },
  {
    what: 'send --to',
    args: (d) => ['send', join(d, 'hello.txt'), '--to', 'x26abc2', '--workflow', 'MESH_ASSURE_TEST'],
    says: '--to: mailbox id "x26abc2" is not valid: use upper case: X26ABC2',
  },
  {
    what: 'MESH_MAILBOX_ID',
    args: () => ['handshake'],
    env: { MESH_MAILBOX_ID: 'x26abc1' },
    says: 'use upper case: X26ABC1',
  },
];

for (const c of LOWER_CASE) {
  test(`a lower-case mailbox id in ${c.what} is refused with its upper-case form, like everywhere else`, async () => {
    const result = await runCli(c.args(dir), { ...urlTarget(), ...c.env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(c.says);
  });
}
