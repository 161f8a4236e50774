import { expect, test } from '@playwright/test';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isEncryptedKeyPem, readPrivateKey } from '../../../src/pki/index.ts';
import { runCli } from '../cli/run-cli.ts';
import { openssl } from './openssl.ts';

let dir: string;

test.beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mesh-assure-csr-'));
});

test.afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('writes <mailbox>.key (0600) and <mailbox>.csr and says what to do next', async () => {
  const result = await runCli(['csr', '--mailbox', 'X26ABC1', '--ods', 'X26', '--out', dir]);
  expect(result.code, result.stderr).toBe(0);
  const keyPath = join(dir, 'X26ABC1.key');
  const csrPath = join(dir, 'X26ABC1.csr');
  expect(result.stdout).toContain('Common name: X26ABC1.X26.api.mesh-client.nhs.uk');
  expect(result.stdout).toContain(`Private key: ${keyPath} (not encrypted`);
  expect(result.stdout).toContain(`CSR:         ${csrPath}`);
  expect(result.stdout).toContain('itoc.supportdesk@nhs.net');
  expect(result.stdout).toContain('ssd.nationalservicedesk@nhs.net together with your conformance certificate');
  expect(result.stdout).toContain('NHS PTL G2 root and INT sub-CA');
  expect(result.stdout).not.toContain('PRIVATE KEY');
  if (process.platform !== 'win32') expect((await stat(keyPath)).mode & 0o777).toBe(0o600);

  const verified = openssl(['req', '-in', csrPath, '-noout', '-verify', '-subject', '-nameopt', 'RFC2253']);
  expect(verified.ok).toBe(true);
  expect(verified.output).toContain('subject=CN=X26ABC1.X26.api.mesh-client.nhs.uk\n');
  expect(openssl(['req', '-in', csrPath, '-noout', '-pubkey']).output).toBe(
    openssl(['pkey', '-in', keyPath, '-pubout']).output,
  );
});

test('--passphrase-env encrypts the key with that variable; --json reports it without the secret', async () => {
  const result = await runCli(
    ['csr', '--mailbox', 'X26ABC1', '--ods', 'X26', '--out', dir, '--passphrase-env', 'KEY_PASS', '--json'],
    { KEY_PASS: 'hunter2-long' },
  );
  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout).not.toContain('hunter2-long');
  expect(JSON.parse(result.stdout)).toMatchObject({
    mailboxId: 'X26ABC1',
    odsCode: 'X26',
    commonName: 'X26ABC1.X26.api.mesh-client.nhs.uk',
    keyPath: join(dir, 'X26ABC1.key'),
    csrPath: join(dir, 'X26ABC1.csr'),
    keyEncrypted: true,
  });
  const key = await readFile(join(dir, 'X26ABC1.key'));
  expect(isEncryptedKeyPem(key)).toBe(true);
  expect(openssl(['pkey', '-in', join(dir, 'X26ABC1.key'), '-noout', '-passin', 'pass:']).ok).toBe(false);
  expect(readPrivateKey(key, 'hunter2-long').type).toBe('private');
});

test('an unset or empty passphrase variable is an error, and nothing is written', async () => {
  const environments: Record<string, string>[] = [{}, { KEY_PASS: '' }];
  for (const env of environments) {
    const result = await runCli(
      ['csr', '--mailbox', 'X26ABC1', '--ods', 'X26', '--out', dir, '--passphrase-env', 'KEY_PASS'],
      env,
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim()).toBe(
      'mesh-assure: --passphrase-env KEY_PASS: that environment variable is unset or empty; set it to the passphrase, or leave out --passphrase-env for an unencrypted key',
    );
  }
  await expect(stat(join(dir, 'X26ABC1.key'))).rejects.toThrow();
});

test('an existing key is kept unless --force', async () => {
  const keyPath = join(dir, 'X26ABC1.key');
  await writeFile(keyPath, 'the old key');
  const refused = await runCli(['csr', '--mailbox', 'X26ABC1', '--ods', 'X26', '--out', dir]);
  expect(refused.code).not.toBe(0);
  expect(refused.stderr.trim()).toBe(
    `mesh-assure: ${keyPath} already exists; use --force to replace it (a certificate issued for that key will no longer match)`,
  );
  expect(await readFile(keyPath, 'utf8')).toBe('the old key');

  const forced = await runCli(['csr', '--mailbox', 'X26ABC1', '--ods', 'X26', '--out', dir, '--force']);
  expect(forced.code, forced.stderr).toBe(0);
  expect(await readFile(keyPath, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  if (process.platform !== 'win32') expect((await stat(keyPath)).mode & 0o777).toBe(0o600);
});

test('bad mailbox ids and ODS codes fail with one line that says what is wrong', async () => {
  const cases: [string, string, string][] = [
    ['x26abc1', 'X26', 'mesh-assure: mailbox id "x26abc1" is not valid: use upper case: X26ABC1 (for example X26ABC1)'],
    [
      'X26-ABC1',
      'X26',
      'mesh-assure: mailbox id "X26-ABC1" is not valid: use 4 to 16 upper-case letters and digits, usually 7 or 8 (for example X26ABC1)',
    ],
    [
      'X26ABC1',
      'X2',
      'mesh-assure: ODS code "X2" is not valid: use 3 to 6 upper-case letters and digits (for example X26, RX8 or 8J834)',
    ],
  ];
  for (const [mailbox, ods, message] of cases) {
    const result = await runCli(['csr', '--mailbox', mailbox, '--ods', ods, '--out', dir]);
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim()).toBe(message);
  }
  const missing = await runCli(['csr', '--mailbox', 'X26ABC1', '--out', dir]);
  expect(missing.code).not.toBe(0);
  expect(missing.stderr).toContain("required option '--ods <code>' not specified");
});

test('the default output folder is the current directory', async () => {
  const result = await runCli(['csr', '--mailbox', 'RX8OT001', '--ods', 'RX8'], {}, dir);
  expect(result.code, result.stderr).toBe(0);
  expect((await stat(join(dir, 'RX8OT001.csr'))).isFile()).toBe(true);
});
