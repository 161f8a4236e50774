import { expect, test } from '@playwright/test';
import { createPrivateKey } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createTestCa,
  inspectCertificate,
  issueCertificate,
  keyMatchesCertificate,
  loadClientIdentity,
  privateKeyPem,
  readPfxCertificate,
  type IssuedCertificate,
  type TestCa,
} from '../../../src/pki/index.ts';
import { openssl } from './openssl.ts';

const DAY = 86_400_000;
const CN = 'X26ABC1.X26.api.mesh-client.nhs.uk';

let dir: string;
let ca: TestCa;
let client: IssuedCertificate;

test.beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mesh-assure-inspect-'));
  ca = await createTestCa({ commonName: 'inspect test CA' });
  client = await issueCertificate(ca, {
    purpose: 'client',
    commonName: CN,
    notAfter: new Date(Date.now() + 100 * DAY),
  });
});

test.afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('inspection reads names, dates, fingerprint and serial as openssl does', () => {
  const now = new Date();
  const info = inspectCertificate(client.certPem, now);
  expect(info).toMatchObject({
    subject: `CN=${CN}`,
    issuer: 'CN=inspect test CA',
    commonName: CN,
    meshName: { mailboxId: 'X26ABC1', odsCode: 'X26' },
    isCa: false,
    status: 'valid',
  });
  expect(info.daysLeft).toBe(99);
  expect(info.notAfter.getTime()).toBeGreaterThan(now.getTime() + 99 * DAY);
  expect(info.notBefore.getTime()).toBeLessThan(now.getTime());
  const fingerprint = openssl(['x509', '-noout', '-fingerprint', '-sha256'], client.certPem)
    .output.trim()
    .split('=')[1];
  expect(info.fingerprintSha256).toBe(fingerprint);
  expect(info.fingerprintSha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  const serial = openssl(['x509', '-noout', '-serial'], client.certPem).output.trim().split('=')[1];
  expect(info.serialNumber).toBe(serial);
});

test('validity status: expiring within 30 days, expired, not yet valid', async () => {
  const soon = await issueCertificate(ca, {
    purpose: 'client',
    commonName: CN,
    notAfter: new Date(Date.now() + 10 * DAY),
  });
  expect(inspectCertificate(soon.certPem)).toMatchObject({ status: 'expiring-soon', daysLeft: 9 });
  expect(inspectCertificate(soon.certPem, new Date(Date.now() + 11 * DAY))).toMatchObject({
    status: 'expired',
    daysLeft: -2,
  });
  expect(inspectCertificate(soon.certPem, new Date(Date.now() - DAY)).status).toBe('not-yet-valid');
});

test('the shipped NHS PTL bundle reads as the INT sub-CA first', async () => {
  const info = inspectCertificate(await readFile('src/pki/ca/nhs-ptl-g2-ca-bundle.pem'));
  expect(info).toMatchObject({ commonName: 'NHS INT Authentication G2', isCa: true, meshName: undefined });
  expect(info.issuer).toContain('CN=NHS PTL Root Authority G2');
});

test('a non-certificate is a typed error', () => {
  expect(() => inspectCertificate('hello')).toThrow(expect.objectContaining({ code: 'certificate-unreadable' }));
});

test('key match: own key, another key, encrypted key, wrong passphrase', async () => {
  expect(keyMatchesCertificate(client.certPem, client.keyPem)).toBe(true);
  expect(keyMatchesCertificate(client.certPem, ca.keyPem)).toBe(false);
  const encrypted = privateKeyPem(createPrivateKey(client.keyPem), 's3cret');
  expect(keyMatchesCertificate(client.certPem, encrypted, 's3cret')).toBe(true);
  expect(() => keyMatchesCertificate(client.certPem, encrypted, 'nope')).toThrow(
    expect.objectContaining({ name: 'PkiError', code: 'key-passphrase-wrong' }),
  );
  expect(() => keyMatchesCertificate(client.certPem, encrypted)).toThrow(
    expect.objectContaining({ code: 'key-passphrase-required' }),
  );
  try {
    keyMatchesCertificate(client.certPem, encrypted, 'nope');
  } catch (error) {
    expect(String(error)).not.toContain('nope');
  }
});

async function pfxFile(name: string, extra: string[] = []): Promise<string> {
  const cert = join(dir, `${name}.pem`);
  const key = join(dir, `${name}.key`);
  await writeFile(cert, client.certPem);
  await writeFile(key, client.keyPem);
  const out = join(dir, `${name}.pfx`);
  expect(
    openssl(['pkcs12', '-export', '-in', cert, '-inkey', key, '-out', out, '-passout', 'pass:pfx-pass', ...extra]).ok,
  ).toBe(true);
  return out;
}

test('PKCS#12: the certificate comes out with the right passphrase; wrong, legacy and garbage are typed errors', async () => {
  const pfx = await readFile(await pfxFile('modern'));
  expect(inspectCertificate(readPfxCertificate(pfx, 'pfx-pass')).fingerprintSha256).toBe(
    inspectCertificate(client.certPem).fingerprintSha256,
  );
  expect(() => readPfxCertificate(pfx, 'wrong')).toThrow(expect.objectContaining({ code: 'pfx-passphrase-wrong' }));
  expect(() => readPfxCertificate(pfx)).toThrow(expect.objectContaining({ code: 'pfx-passphrase-wrong' }));
  expect(() => readPfxCertificate(Buffer.from('not a pfx'), 'x')).toThrow(
    expect.objectContaining({ code: 'pfx-unreadable' }),
  );
  const legacy = await readFile(await pfxFile('legacy', ['-legacy']));
  expect(() => readPfxCertificate(legacy, 'pfx-pass')).toThrow(expect.objectContaining({ code: 'pfx-unsupported' }));
});

test('a client identity loads from PEM files or a PFX, and missing files are named', async () => {
  const certPath = join(dir, 'id.pem');
  const keyPath = join(dir, 'id.key');
  await writeFile(certPath, client.certPem);
  await writeFile(keyPath, privateKeyPem(createPrivateKey(client.keyPem), 'kp'));
  const pem = await loadClientIdentity({ certPath, keyPath, keyPassphrase: 'kp' });
  expect(pem).toMatchObject({ format: 'pem', keyMatches: true, certificate: { commonName: CN } });

  const pfxPath = await pfxFile('identity');
  const pfx = await loadClientIdentity({ pfxPath, keyPassphrase: 'pfx-pass' });
  expect(pfx).toMatchObject({ format: 'pfx', keyMatches: true, certificate: { commonName: CN } });

  await expect(loadClientIdentity({ certPath: join(dir, 'absent.pem'), keyPath })).rejects.toMatchObject({
    code: 'file-unreadable',
    message: expect.stringContaining('absent.pem (ENOENT)'),
  });
  await expect(loadClientIdentity({ certPath })).rejects.toMatchObject({ code: 'file-unreadable' });
});
