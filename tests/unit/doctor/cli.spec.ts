/** `mesh-assure doctor` as a user runs it: a child process with a clean environment, text and --json. */
import { createPrivateKey } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { CHECK, type CheckResult } from '../../../src/doctor/index.ts';
import { createTestCa, privateKeyPem, writePrivateFile } from '../../../src/pki/index.ts';
import { runCli } from '../cli/run-cli.ts';
import { startHarness, type Harness } from '../mesh/helpers.ts';
import { MAILBOX, sandboxEnv, writeIdentity } from './helpers.ts';

const SECRETS = {
  sharedKey: 'shared-KEY-4d9f1c',
  password: 'mailbox-PW-8b27e0',
  passphrase: 'key-PHRASE-51c3aa',
  wrongPassphrase: 'wrong-PHRASE-e6d072',
};

let h: Harness;
let cwd: string;
test.beforeAll(async () => {
  h = await startHarness({ tls: 'mtls', sharedKey: SECRETS.sharedKey });
  // No .env of the developer's in the working directory.
  cwd = await mkdtemp(join(tmpdir(), 'doctor-cli-'));
});
test.afterAll(async () => h.close());

const doctor = (env: Record<string, string>, json: boolean) =>
  runCli(json ? ['doctor', '--json'] : ['doctor'], env, cwd);

test('a correct mutual-TLS set-up passes every check, exit code 0', async () => {
  const result = await doctor(sandboxEnv(h.sandbox), true);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const report = JSON.parse(result.stdout) as { ok: boolean; checks: CheckResult[] };
  expect(report.ok).toBe(true);
  // No product commands: reference mode, which the product check reports as skipped.
  expect(report.checks.map((c) => [c.name, c.status])).toEqual(
    Object.values(CHECK).map((name) => [name, name === CHECK.productCommands ? 'SKIP' : 'PASS']),
  );
});

test('a client certificate from another CA prints FAIL lines with fixes, exit code 1', async () => {
  const stranger = await writeIdentity(await createTestCa({ commonName: 'some other CA' }));
  const result = await doctor(
    sandboxEnv(h.sandbox, { MESH_CLIENT_CERT: stranger.certPath, MESH_CLIENT_KEY: stranger.keyPath }),
    false,
  );
  expect(result.code).toBe(1);
  expect(result.stdout).toMatch(/^FAIL {2}certificate chain +does not verify to .*is not in the CA bundle$/m);
  expect(result.stdout).toMatch(/^FAIL {2}TLS handshake +.*refused the client certificate/m);
  expect(result.stdout).toMatch(/^ +fix: use the client certificate issued for this mailbox and environment/m);
  expect(result.stdout).toMatch(/^SKIP {2}MESH handshake +the TLS connection failed$/m);
  expect(result.stdout).toMatch(/^7 passed, 0 warned, 2 failed, 5 skipped$/m);
});

test('neither the text nor the --json output ever holds the password, shared key, passphrase or key material', async () => {
  // The sandbox's own key for X26ABC1, encrypted with a passphrase the output must not repeat.
  const keyPath = join(cwd, `${MAILBOX}.key`);
  const plainKey = await readFile(h.sandbox.tls!.clients[MAILBOX]!.keyPath);
  await writePrivateFile(keyPath, privateKeyPem(createPrivateKey(plainKey), SECRETS.passphrase));
  const base = sandboxEnv(h.sandbox, { MESH_CLIENT_KEY: keyPath, MESH_MAILBOX_PASSWORD: SECRETS.password });
  const setups = [
    // The right passphrase and a wrong password: everything runs up to a refused MESH handshake.
    {
      env: { ...base, MESH_CLIENT_KEY_PASSPHRASE: SECRETS.passphrase },
      failing: /^FAIL {2}MESH handshake +handshake X26ABC1: 403 Forbidden/m,
    },
    {
      env: { ...base, MESH_CLIENT_KEY_PASSPHRASE: SECRETS.wrongPassphrase },
      failing: /^FAIL {2}client certificate and key readable +the passphrase does not decrypt/m,
    },
  ];
  for (const { env, failing } of setups) {
    for (const json of [false, true]) {
      const result = await doctor(env, json);
      const printed = result.stdout + result.stderr;
      expect(result.code).toBe(1);
      if (!json) expect(printed).toMatch(failing);
      for (const secret of Object.values(SECRETS)) expect(printed).not.toContain(secret);
      expect(printed).not.toContain('PRIVATE KEY');
      expect(printed).not.toContain(plainKey.toString().split('\n')[1]);
    }
  }
});
