import { expect, test } from '@playwright/test';
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createTestCa, issueCertificate, loadTestCa, verifyChain, type TestCa } from '../../../src/pki/index.ts';

const DAY = 86_400_000;
const PTL_BUNDLE = 'src/pki/ca/nhs-ptl-g2-ca-bundle.pem';

let ca: TestCa;

test.beforeAll(async () => {
  ca = await createTestCa({ commonName: 'chain test CA' });
});

const clientOf = (authority: TestCa, window: { notBefore?: Date; notAfter?: Date } = {}) =>
  issueCertificate(authority, { purpose: 'client', commonName: 'X26ABC1.X26.api.mesh-client.nhs.uk', ...window });

test('a certificate from the test CA verifies against it', async () => {
  const leaf = await clientOf(ca);
  expect(verifyChain(leaf.certPem, ca.certPem)).toEqual({
    ok: true,
    path: ['CN=X26ABC1.X26.api.mesh-client.nhs.uk', 'CN=chain test CA'],
  });
});

test('the NHS PTL G2 bundle: the INT sub-CA chains to the PTL root; our certificates do not', async () => {
  const bundle = await readFile(PTL_BUNDLE);
  const [intermediate] = bundle.toString().match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)!;
  const at = new Date('2026-01-01T00:00:00Z');
  const result = verifyChain(intermediate!, bundle, at);
  expect(result.ok).toBe(true);
  expect(result.ok && result.path.map((subject) => subject.replace(/.*CN=/, ''))).toEqual([
    'NHS INT Authentication G2',
    'NHS PTL Root Authority G2',
  ]);

  const ours = await clientOf(ca);
  const live = await readFile('src/pki/ca/nhs-live-g2-ca-bundle.pem');
  expect(verifyChain(live, live, at).ok).toBe(true);
  expect(verifyChain(live, bundle, at)).toMatchObject({ ok: false, reason: 'issuer-not-found' });
  expect(verifyChain(ours.certPem, bundle)).toMatchObject({
    ok: false,
    reason: 'issuer-not-found',
    message: expect.stringContaining('(CN=chain test CA) is not in the CA bundle'),
  });
});

test('a bundle with only the intermediate is not enough, as in Node TLS', async () => {
  const root = await createTestCa({ commonName: 'chain root' });
  const sub = await issueCertificate(root, { purpose: 'intermediate-ca', commonName: 'chain sub-CA' });
  const leaf = await clientOf(await loadTestCa(sub.certPem, sub.keyPem));
  expect(verifyChain(leaf.certPem, `${sub.certPem}${root.certPem}`)).toMatchObject({
    ok: true,
    path: [expect.any(String), 'CN=chain sub-CA', 'CN=chain root'],
  });
  expect(verifyChain(`${leaf.certPem}${sub.certPem}`, root.certPem).ok).toBe(true);
  expect(verifyChain(leaf.certPem, sub.certPem)).toMatchObject({ ok: false, reason: 'issuer-not-found' });
  const other = await createTestCa({ commonName: 'other root' });
  expect(verifyChain(`${leaf.certPem}${sub.certPem}${root.certPem}`, other.certPem)).toMatchObject({
    ok: false,
    reason: 'issuer-not-found',
    message: 'the chain ends at CN=chain root, a root the CA bundle does not hold',
  });
});

test('a certificate from another CA of the same name fails on its signature', async () => {
  const twin = await createTestCa({ commonName: 'chain test CA' });
  const leaf = await clientOf(twin);
  expect(verifyChain(leaf.certPem, ca.certPem)).toMatchObject({ ok: false, reason: 'signature' });
});

test('a tampered signature is reported as such', async () => {
  const leaf = await clientOf(ca);
  const der = Buffer.from(new X509Certificate(leaf.certPem).raw);
  der.writeUInt8(der.readUInt8(der.length - 1) ^ 0xff, der.length - 1);
  const tampered = `-----BEGIN CERTIFICATE-----\n${der.toString('base64')}\n-----END CERTIFICATE-----\n`;
  expect(verifyChain(tampered, ca.certPem)).toMatchObject({ ok: false, reason: 'signature' });
});

test('expired and not-yet-valid certificates, and an expired CA', async () => {
  const expired = await clientOf(ca, {
    notBefore: new Date(Date.now() - 10 * DAY),
    notAfter: new Date(Date.now() - DAY),
  });
  expect(verifyChain(expired.certPem, ca.certPem)).toMatchObject({
    ok: false,
    reason: 'expired',
    message: expect.stringContaining('expired on'),
  });
  const early = await clientOf(ca, { notBefore: new Date(Date.now() + DAY) });
  expect(verifyChain(early.certPem, ca.certPem)).toMatchObject({ ok: false, reason: 'not-yet-valid' });

  const oldCa = await createTestCa({
    commonName: 'old CA',
    notBefore: new Date(Date.now() - 10 * DAY),
    notAfter: new Date(Date.now() - DAY),
  });
  const leaf = await clientOf(oldCa);
  expect(verifyChain(leaf.certPem, oldCa.certPem)).toMatchObject({
    ok: false,
    reason: 'expired',
    message: expect.stringContaining('CN=old CA'),
  });
});

test('a leaf certificate cannot act as an issuer', async () => {
  const server = await issueCertificate(ca, { purpose: 'server', commonName: 'pretend-ca' });
  const pretender = await loadTestCa(server.certPem, server.keyPem);
  const leaf = await clientOf(pretender);
  expect(verifyChain(leaf.certPem, `${server.certPem}${ca.certPem}`)).toMatchObject({ ok: false, reason: 'not-a-ca' });
});
