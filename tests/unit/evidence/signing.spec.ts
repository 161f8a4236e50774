/**
 * Signed bundles: the manifest's detached CMS signature by the sut mailbox's certificate, checked by verify
 * (and by openssl, as an assessor would), and what someone without the key cannot get past: a file changed
 * and every digest recomputed, a signer the manifest does not name, a chain to the wrong root.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { toolVersion } from '../../../src/config/index.ts';
import { packBundle } from '../../../src/evidence/bundle.ts';
import { certificateFile, configuredCertificate } from '../../../src/evidence/certificate.ts';
import type { ManifestBody } from '../../../src/evidence/manifest.ts';
import { scanForSecrets } from '../../../src/evidence/secret-scan.ts';
import { configuredSigner, signingKeySecrets, type BundleSigner } from '../../../src/evidence/signing.ts';
import { formatVerifyReport, verifyBundle } from '../../../src/evidence/verify.ts';
import { readZip } from '../../../src/evidence/zip.ts';
import { createTestCa, issueCertificate, writeSandboxTlsMaterial } from '../../../src/pki/index.ts';
import { runCli } from '../cli/run-cli.ts';
import { openssl } from '../pki/openssl.ts';
import { sampleManifestBody, sampleSigner, tamperAndRehash, unsignedCopy } from './samples.ts';

test.describe.configure({ mode: 'serial' });

const content = () => new Map([['reports/junit.xml', Buffer.from('<testsuites/>')]]);

/** An INT-like identity: a CA standing in for NHS's, and the sut's certificate from it. */
let dir = '';
let caPath = '';
let signer: BundleSigner;
let body: ManifestBody;

test.beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mesh-signed-'));
  const ca = await createTestCa({ commonName: 'Test PTL Root' });
  const leaf = await issueCertificate(ca, { purpose: 'client', commonName: 'X26ABC1.X26.api.mesh-client.nhs.uk' });
  caPath = join(dir, 'ca.pem');
  await writeFile(caPath, ca.certPem);
  await writeFile(join(dir, 'leaf.pem'), leaf.certPem);
  signer = { certificates: [new X509Certificate(leaf.certPem)], privateKey: createPrivateKey(leaf.keyPem) };
  body = { ...sampleManifestBody(undefined, false), certificate: await certificateFile(join(dir, 'leaf.pem')) };
});

async function pack(name: string, manifest: ManifestBody, by: BundleSigner): Promise<string> {
  return (await packBundle(join(dir, name), content(), manifest, [], by)).zipPath;
}

test('verify checks the signature and the chain, and says who signed, for which mailbox, and when', async () => {
  const zip = await pack('good', body, signer);
  const report = await verifyBundle(zip, { caBundle: caPath });
  expect(report.problems).toEqual([]);
  expect(report.signer).toMatchObject({
    subject: 'CN=X26ABC1.X26.api.mesh-client.nhs.uk',
    issuer: 'CN=Test PTL Root',
    mailboxId: 'X26ABC1',
    trust: 'given-ca',
  });
  expect(Date.now() - Date.parse(report.signer!.signedAt)).toBeLessThan(600_000);
  expect(formatVerifyReport(report).join('\n')).toMatch(
    /signed by CN=X26ABC1\.X26\.api\.mesh-client\.nhs\.uk \(issued by CN=Test PTL Root\)\n {2}for mailbox X26ABC1, at \d{4}-\d\d-\d\dT/,
  );
});

test('by default the signer must chain to the NHS PTL G2 root shipped in src/pki/ca', async () => {
  const report = await verifyBundle(await pack('default-root', body, signer));
  expect(report.ok).toBe(false);
  expect(report.problems).toEqual([
    expect.objectContaining({
      kind: 'signature',
      file: 'signer-certificate.pem',
      detail: expect.stringContaining('does not chain to the NHS PTL G2 root'),
    }),
  ]);
});

test('openssl cms -verify accepts the signature, and refuses it once manifest.json changes', async () => {
  const zip = await pack('openssl', body, signer);
  const out = join(dir, 'unpacked');
  const entries = new Map((await readZip(zip)).map((e) => [e.name, Buffer.from(e.data!)]));
  await mkdir(out, { recursive: true });
  for (const name of ['manifest.json', 'manifest.json.p7s']) await writeFile(join(out, name), entries.get(name)!);
  // The command docs/evidence.md gives.
  const args = [
    'cms',
    '-verify',
    '-binary',
    '-inform',
    'DER',
    '-in',
    join(out, 'manifest.json.p7s'),
    '-content',
    join(out, 'manifest.json'),
    '-CAfile',
    caPath,
    '-purpose',
    'any',
    '-out',
    '/dev/null',
  ];
  const good = openssl(args);
  expect(good.ok, good.output).toBe(true);
  await writeFile(
    join(out, 'manifest.json'),
    entries.get('manifest.json')!.toString().replace('"passed": 1', '"passed": 2'),
  );
  expect(openssl(args).ok).toBe(false);
});

test('a file changed and every digest recomputed by someone without the key fails, naming manifest.json', async () => {
  const zip = await pack('tamper', body, signer);
  const tampered = join(dir, 'tampered.zip');
  await tamperAndRehash(zip, tampered, 'index.html', (html) =>
    html.replace('MESH technical conformance evidence', 'All good'),
  );
  const report = await verifyBundle(tampered, { caBundle: caPath });
  expect(report.ok).toBe(false);
  expect(report.problems).toEqual([
    {
      kind: 'signature',
      file: 'manifest.json',
      detail: expect.stringContaining('it is not the manifest that was signed'),
    },
  ]);
});

test('signed by a certificate other than the one the manifest names, or for another mailbox: named', async () => {
  const other = await sampleSigner();
  const report = await verifyBundle(await pack('other-signer', body, other), { caBundle: caPath });
  const details = report.problems.map((p) => p.detail).join('\n');
  expect(details).toContain('but manifest.json names');
  expect(details).toContain('does not chain to the CA given');
  const wrongMailbox = await verifyBundle(
    await pack('other-mailbox', { ...body, mailboxes: { ...body.mailboxes, sut: 'X26ABC2' } }, signer),
    { caBundle: caPath },
  );
  expect(wrongMailbox.problems.map((p) => p.detail)).toEqual([
    "signed for mailbox X26ABC1, but the run's sut mailbox is X26ABC2",
  ]);
});

test("a rehearsal is signed under the sandbox's throwaway CA and says so; evidence signed that way fails", async () => {
  const rehearsal = await verifyBundle(await pack('rehearsal', sampleManifestBody(), await sampleSigner()));
  expect(rehearsal.problems).toEqual([]);
  expect(rehearsal.signer?.trust).toBe('throwaway');
  expect(formatVerifyReport(rehearsal).join('\n')).toContain("REHEARSAL: signed under the sandbox's throwaway CA");
  // The same signer on a bundle that claims to be evidence: the sandbox CA is not trusted for it.
  const claimed = await verifyBundle(
    await pack('claimed', { ...sampleManifestBody(undefined, false), certificate: null }, await sampleSigner()),
  );
  expect(claimed.problems.map((p) => p.detail)).toEqual([
    "it names no client certificate: evidence must be signed with the sut mailbox's",
    expect.stringContaining('does not chain to the NHS PTL G2 root'),
  ]);
});

test("the signing key's PEM body, DER and base64 forms are caught by the secret scan", async () => {
  const secrets = signingKeySecrets(signer);
  const pem = signer.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const der = signer.privateKey.export({ type: 'pkcs8', format: 'der' });
  const plants = {
    'headerless PEM body': Buffer.from(`x\n${pem.split('\n').slice(1, -2).join('\n')}\ny`),
    'raw DER': Buffer.concat([Buffer.from('x'), der, Buffer.from('y')]),
    'base64 DER in JSON': Buffer.from(`{"k": "${der.toString('base64')}"}`),
    'PKCS#1 DER': signer.privateKey.export({ type: 'pkcs1', format: 'der' }),
  };
  for (const [what, data] of Object.entries(plants)) {
    expect(
      scanForSecrets(new Map([['f', data]]), secrets).map((h) => h.kind),
      what,
    ).toContain('signing key');
  }
  // The certificate carries the public half: it is no hit.
  expect(scanForSecrets(new Map([['c', Buffer.from(signer.certificates[0]!.raw)]]), secrets)).toEqual([]);
});

test('a run against a URL whose bundle cannot be signed stops before the pack runs, saying what to set', async () => {
  const env = {
    MESH_TARGET: 'https://127.0.0.1:9',
    MESH_MAILBOX_ID: 'X26ABC1',
    MESH_MAILBOX_PASSWORD: 'p',
    MESH_SHARED_KEY: 'k',
    MESH_WORKFLOW_ID: 'W',
    MESH_ASSURE_REPORTS: join(dir, 'reports'),
  };
  const result = await runCli(['run', '--cases', 'handshake'], env);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain(
    'the bundle is signed with the sut mailbox client certificate: set MESH_CLIENT_CERT and MESH_CLIENT_KEY',
  );
  expect(result.stderr).not.toContain('Running');
});

test.describe('a PKCS#12 identity (MESH_CLIENT_PFX with MESH_CLIENT_KEY_PASSPHRASE)', () => {
  let p12Dir = '';
  let sandboxCa = '';
  /** openssl pkcs12 -export of the pair the sandbox's CA issued to X26ABC1, with `extra` options. */
  let exportP12: (name: string, extra: string[]) => string;

  test.beforeAll(async () => {
    p12Dir = await mkdtemp(join(tmpdir(), 'mesh-p12-'));
    const tls = await writeSandboxTlsMaterial(p12Dir, { mailboxes: [{ mailboxId: 'X26ABC1', odsCode: 'X26' }] });
    sandboxCa = tls.caCertPath;
    const { certPath, keyPath } = tls.clients.X26ABC1!;
    exportP12 = (name, extra) => {
      const out = join(p12Dir, `${name}.p12`);
      const made = openssl(['pkcs12', '-export', '-in', certPath, '-inkey', keyPath, '-out', out, ...extra]);
      expect(made.ok, made.output).toBe(true);
      return out;
    };
  });

  // openssl 3's default (AES-256 for the key and certificates), and a key left unencrypted inside.
  for (const [form, extra] of [
    ['AES-256, passphrase-protected', ['-passout', 'pass:p12-pass']],
    ['key bag not encrypted', ['-passout', 'pass:p12-pass', '-keypbe', 'NONE']],
  ] as const) {
    test(`signs a bundle that verify accepts against the sandbox CA: ${form}`, async () => {
      const tls = { pfxPath: exportP12(form.replace(/\W/g, '-'), [...extra]), keyPassphrase: 'p12-pass' };
      const p12Signer = await configuredSigner(tls);
      const manifest = { ...sampleManifestBody(undefined, false), certificate: await configuredCertificate(tls) };
      const zip = await pack(`p12-${form.replace(/\W/g, '-')}`, manifest, p12Signer);
      const report = await verifyBundle(zip, { caBundle: sandboxCa });
      expect(report.problems).toEqual([]);
      expect(report.signer).toMatchObject({ mailboxId: 'X26ABC1', issuer: 'CN=mesh-assure sandbox CA' });
    });
  }

  const refusals: [string, () => { pfxPath: string; keyPassphrase?: string }, string][] = [
    [
      'a wrong passphrase',
      () => ({ pfxPath: exportP12('wrong', ['-passout', 'pass:p12-pass']), keyPassphrase: 'not-it' }),
      'the passphrase does not open the PKCS#12 file',
    ],
    [
      'legacy RC2/3DES encryption',
      () => ({ pfxPath: exportP12('legacy', ['-passout', 'pass:p12-pass', '-legacy']), keyPassphrase: 'p12-pass' }),
      're-export it with AES-256',
    ],
    ['no such file', () => ({ pfxPath: join(tmpdir(), 'no-such.p12') }), 'cannot read the PKCS#12 file'],
  ];
  for (const [why, tls, says] of refusals) {
    test(`refuses to sign with ${why}, saying what to do, never the passphrase`, async () => {
      const settings = tls();
      const error = (await configuredSigner(settings).then(
        () => undefined,
        (e: unknown) => e,
      )) as Error | undefined;
      expect(error?.message).toContain(says);
      if (settings.keyPassphrase) expect(error?.message).not.toContain(settings.keyPassphrase);
    });
  }
});

test.describe('a bundle sealed before bundles were signed', () => {
  test('verify says it has no signature and why, and exits 3 rather than 1', async () => {
    const old = join(dir, 'unsigned.zip');
    await unsignedCopy(await pack('to-strip', body, signer), old);
    const report = await verifyBundle(old);
    expect(report.problems).toEqual([
      {
        kind: 'unsigned',
        file: 'manifest.json.p7s',
        detail: `no signature: sealed by mesh-assure ${toolVersion()}, before bundles were signed; its checksums match but nothing proves who made it`,
      },
    ]);
    const cli = await runCli(['verify', old]);
    expect(cli.code).toBe(3);
    expect(cli.stdout).toContain(`UNSIGNED  manifest.json.p7s: no signature: sealed by mesh-assure ${toolVersion()}`);
  });

  test('an old bundle with a file altered as well fails as altered, with exit 1, and does not claim its checksums match', async () => {
    const old = join(dir, 'unsigned-altered.zip');
    await unsignedCopy(await pack('to-strip-and-alter', body, signer), old, 'reports/junit.xml');
    const cli = await runCli(['verify', old]);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toContain('ALTERED   reports/junit.xml: its SHA-256 differs from manifest.json');
    expect(cli.stdout).toContain('its files do not match its checksums (above), and nothing proves who made it');
  });
});
