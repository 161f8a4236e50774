/** The certificate checks on generated faulty identities, called directly (no server needed). */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { LIVE_CA_BUNDLE, PTL_CA_BUNDLE, settingsFrom } from '../../../src/config/index.ts';
import {
  CHECK,
  checkChain,
  checkClientCertificate,
  checkCommonName,
  checkConfiguration,
  checkKeyMatches,
  checkValidity,
} from '../../../src/doctor/index.ts';
import {
  createTestCa,
  inspectCertificate,
  loadClientIdentity,
  parseCertificates,
  type TestCa,
} from '../../../src/pki/index.ts';
import { daysFromNow, loaderFor, MAILBOX, writeCaFile, writeIdentity, type IdentityFiles } from './helpers.ts';

let ca: TestCa;
let caPath: string;
let good: IdentityFiles;
test.beforeAll(async () => {
  ca = await createTestCa({ commonName: 'doctor test CA' });
  caPath = await writeCaFile(ca);
  good = await writeIdentity(ca);
});

/** Settings for a supplier's own MESH URL with this identity. */
function settingsWith(files: Partial<IdentityFiles> & { passphrase?: string }, extra: Record<string, string> = {}) {
  return settingsFrom({
    MESH_TARGET: 'https://mesh.example.org',
    MESH_MAILBOX_ID: MAILBOX,
    MESH_MAILBOX_PASSWORD: 'password',
    MESH_SHARED_KEY: 'TestKey',
    MESH_WORKFLOW_ID: 'MESH_ASSURE_TEST',
    MESH_ODS_CODE: 'X26',
    MESH_CA_CERT: caPath,
    ...(files.certPath ? { MESH_CLIENT_CERT: files.certPath } : {}),
    ...(files.keyPath ? { MESH_CLIENT_KEY: files.keyPath } : {}),
    ...(files.passphrase ? { MESH_CLIENT_KEY_PASSPHRASE: files.passphrase } : {}),
    ...extra,
  });
}

test('a good identity passes every certificate check', async () => {
  const settings = settingsWith(good);
  const loaded = await checkClientCertificate(settings);
  expect(loaded.result.status).toBe('PASS');
  const identity = loaded.identity!;
  for (const result of [
    checkKeyMatches(identity),
    checkCommonName(identity, settings),
    checkValidity(identity),
    checkChain(identity, caPath),
  ]) {
    expect(result.status, `${result.name}: ${result.detail}`).toBe('PASS');
  }
});

test('an expired certificate FAILs validity with a renewal fix', async () => {
  const expired = await loadClientIdentity(
    await writeIdentity(ca, { notBefore: daysFromNow(-400), notAfter: daysFromNow(-2) }),
  );
  const result = checkValidity(expired);
  expect(result).toMatchObject({ name: CHECK.validity, status: 'FAIL' });
  expect(result.detail).toMatch(/^expired on \d{4}-\d{2}-\d{2}$/);
  expect(result.fix).toMatch(/mesh-assure csr/);
});

test('a certificate not yet valid FAILs, and one with under 30 days left WARNs', async () => {
  const future = await loadClientIdentity(
    await writeIdentity(ca, { notBefore: daysFromNow(3), notAfter: daysFromNow(400) }),
  );
  expect(checkValidity(future)).toMatchObject({ status: 'FAIL', detail: expect.stringMatching(/^not valid before /) });
  const soon = await loadClientIdentity(await writeIdentity(ca, { notAfter: daysFromNow(10.5) }));
  expect(checkValidity(soon)).toMatchObject({
    status: 'WARN',
    detail: expect.stringMatching(/10 days left/),
    fix: expect.stringMatching(/renewal/),
  });
});

test('the key of another certificate FAILs the key match', async () => {
  const other = await writeIdentity(ca);
  const identity = await loadClientIdentity({ certPath: good.certPath, keyPath: other.keyPath });
  const result = checkKeyMatches(identity);
  expect(result).toMatchObject({ status: 'FAIL', detail: expect.stringMatching(/does not belong to the certificate/) });
  expect(result.fix).toMatch(/MESH_CLIENT_KEY/);
});

test('a certificate from another CA FAILs the chain check', async () => {
  const stranger = await createTestCa({ commonName: 'some other CA' });
  const identity = await loadClientIdentity(await writeIdentity(stranger));
  const result = checkChain(identity, caPath);
  expect(result.status).toBe('FAIL');
  expect(result.detail).toContain(`does not verify to ${caPath}`);
  expect(result.detail).toMatch(/CN=some other CA\) is not in the CA bundle/);
});

test('a Path to Live certificate checked against the live bundle is called the wrong environment', () => {
  // NHS's INT sub-CA stands in for a PTL-issued certificate: it chains to the PTL root, not the live one.
  const intSubCa = parseCertificates(readFileSync(PTL_CA_BUNDLE))
    .find((c) => c.subject !== c.issuer)!
    .toString();
  const identity = {
    format: 'pem' as const,
    certPem: intSubCa,
    certificate: inspectCertificate(intSubCa),
    keyMatches: true,
  };
  const result = checkChain(identity, LIVE_CA_BUNDLE);
  expect(result.status).toBe('FAIL');
  expect(result.detail).toMatch(
    /but to the shipped NHS PTL G2 chain: it is a Path to Live \(INT and DEP\) certificate \(wrong environment\)/,
  );
});

test('a CN for another mailbox, another ODS code or no MESH name FAILs the name check', async () => {
  const settings = settingsWith(good);
  const named = async (commonName: string) =>
    checkCommonName(await loadClientIdentity(await writeIdentity(ca, { commonName })), settings);
  expect(await named('X26ABC2.X26.api.mesh-client.nhs.uk')).toMatchObject({
    status: 'FAIL',
    detail: 'CN X26ABC2.X26.api.mesh-client.nhs.uk names mailbox X26ABC2, but MESH_MAILBOX_ID is X26ABC1',
    fix: expect.stringMatching(/certificate issued for X26ABC1/),
  });
  expect(await named('X26ABC1.RX8.api.mesh-client.nhs.uk')).toMatchObject({
    status: 'FAIL',
    detail: expect.stringMatching(/names ODS code RX8, but MESH_ODS_CODE is X26/),
  });
  expect(await named('client.example.org')).toMatchObject({
    status: 'FAIL',
    detail: expect.stringMatching(/does not follow <mailbox>\.<ods>\.api\.mesh-client\.nhs\.uk/),
  });
});

test('a missing certificate file FAILs the configuration check naming the variable', () => {
  const { results, settings } = checkConfiguration(
    loaderFor({ MESH_TARGET: 'int', MESH_CLIENT_CERT: '/nowhere/client.pem', MESH_CLIENT_KEY: good.keyPath }),
  );
  expect(settings).toBeUndefined();
  const line = results.find((r) => r.detail.startsWith('MESH_CLIENT_CERT:'));
  expect(line).toMatchObject({
    name: CHECK.configuration,
    status: 'FAIL',
    detail: 'MESH_CLIENT_CERT: file "/nowhere/client.pem" does not exist',
  });
  expect(line!.fix).toMatch(/point MESH_CLIENT_CERT at a readable file/);
});

test('a certificate file that vanished after configuration FAILs as unreadable', async () => {
  const settings = settingsWith(good);
  const gone = { ...settings, sut: { ...settings.sut, tls: { ...settings.sut.tls, certPath: '/nowhere/client.pem' } } };
  const { result } = await checkClientCertificate(gone);
  expect(result).toMatchObject({
    status: 'FAIL',
    detail: expect.stringMatching(/cannot read the certificate file \/nowhere\/client\.pem \(ENOENT\)/),
  });
});

test('a wrong or missing passphrase for an encrypted key FAILs with the passphrase variable as the fix', async () => {
  const encrypted = await writeIdentity(ca, { passphrase: 'right-phrase' });
  const wrong = await checkClientCertificate(settingsWith({ ...encrypted, passphrase: 'wrong-phrase' }));
  expect(wrong.result).toMatchObject({
    status: 'FAIL',
    detail: expect.stringMatching(/passphrase does not decrypt the private key/),
    fix: expect.stringMatching(/MESH_CLIENT_KEY_PASSPHRASE/),
  });
  expect(wrong.identity).toBeUndefined();
  const missing = await checkClientCertificate(settingsWith(encrypted));
  expect(missing.result).toMatchObject({
    status: 'FAIL',
    detail: expect.stringMatching(/encrypted: a passphrase is needed/),
  });
  const right = await checkClientCertificate(settingsWith({ ...encrypted, passphrase: 'right-phrase' }));
  expect(right.result.status).toBe('PASS');
});

test('without a client certificate the sandbox SKIPs and any other target WARNs', async () => {
  const sandbox = await checkClientCertificate(settingsFrom({}));
  expect(sandbox.result).toMatchObject({
    status: 'SKIP',
    detail: 'the sandbox without --mtls needs no client certificate',
  });
  const url = await checkClientCertificate(settingsWith({}));
  expect(url.result).toMatchObject({ status: 'WARN', fix: expect.stringMatching(/MESH_CLIENT_CERT/) });
});
