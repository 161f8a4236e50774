/** Detached CMS signatures read both ways: openssl's read in process, and a damaged signature named. */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { SignatureError, signDetached, verifyDetached } from '../../../src/pki/cms.ts';
import { createTestCa, issueCertificate } from '../../../src/pki/index.ts';
import { openssl } from './openssl.ts';

test('a signature openssl made verifies in process; ours fails naming what changed', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mesh-cms-'));
  const ca = await createTestCa({ commonName: 'CMS test CA' });
  const leaf = await issueCertificate(ca, { purpose: 'client', commonName: 'X26ABC1.X26.api.mesh-client.nhs.uk' });
  const content = Buffer.from('{"format":"mesh-assure-evidence/1"}\n');
  await Promise.all([
    writeFile(join(dir, 'c.json'), content),
    writeFile(join(dir, 'leaf.pem'), leaf.certPem),
    writeFile(join(dir, 'leaf.key'), leaf.keyPem),
  ]);
  const made = openssl([
    'cms',
    '-sign',
    '-binary',
    '-md',
    'sha256',
    '-in',
    join(dir, 'c.json'),
    '-signer',
    join(dir, 'leaf.pem'),
    '-inkey',
    join(dir, 'leaf.key'),
    '-outform',
    'DER',
    '-out',
    join(dir, 'c.p7s'),
  ]);
  expect(made.ok, made.output).toBe(true);
  expect(verifyDetached(await readFile(join(dir, 'c.p7s')), content).signer.subject).toBe(
    'CN=X26ABC1.X26.api.mesh-client.nhs.uk',
  );

  const ours = signDetached(content, {
    certificates: [new X509Certificate(leaf.certPem)],
    privateKey: createPrivateKey(leaf.keyPem),
  });
  const failure = (signature: Buffer, over: Buffer) => {
    try {
      verifyDetached(signature, over);
    } catch (error) {
      return error as SignatureError;
    }
    throw new Error('verified');
  };
  expect(failure(ours, Buffer.from('{}')).reason).toBe('content-differs');
  const flipped = Buffer.from(ours);
  flipped[flipped.length - 10]! ^= 0x01; // inside the signature value, the last field
  expect(failure(flipped, content).reason).toBe('signature');
  expect(failure(Buffer.from('not DER'), content).reason).toBe('unreadable');
});
