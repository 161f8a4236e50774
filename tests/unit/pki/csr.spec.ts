import { expect, test } from '@playwright/test';
import { createPublicKey } from 'node:crypto';
import { PkiError, createMeshCsr, isEncryptedKeyPem, readPrivateKey } from '../../../src/pki/index.ts';
import { openssl } from './openssl.ts';

test('openssl accepts the CSR, whose subject is only the MESH common name', async () => {
  const csr = await createMeshCsr({ mailboxId: 'X26ABC1', odsCode: 'X26' });
  expect(csr.commonName).toBe('X26ABC1.X26.api.mesh-client.nhs.uk');
  const verified = openssl(['req', '-noout', '-verify', '-subject', '-nameopt', 'RFC2253'], csr.csrPem);
  expect(verified.ok).toBe(true);
  expect(verified.output).toContain('subject=CN=X26ABC1.X26.api.mesh-client.nhs.uk\n');
  const text = openssl(['req', '-noout', '-text'], csr.csrPem).output;
  expect(text).toContain('Public-Key: (2048 bit)');
  expect(text).toContain('Signature Algorithm: sha256WithRSAEncryption');
  expect(text).toMatch(/Attributes:\s+\(none\)/);
  expect(text).not.toContain('emailAddress');
});

test('the key is the CSR key, in clear PKCS#8 without a passphrase', async () => {
  const csr = await createMeshCsr({ mailboxId: 'X26ABC1', odsCode: 'X26' });
  expect(csr.encrypted).toBe(false);
  expect(csr.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  const csrKey = openssl(['req', '-noout', '-pubkey'], csr.csrPem).output;
  expect(createPublicKey(readPrivateKey(csr.privateKeyPem)).export({ type: 'spki', format: 'pem' })).toBe(csrKey);
});

test('with a passphrase the key is encrypted: unreadable without it, readable with it', async () => {
  const csr = await createMeshCsr({ mailboxId: 'X26ABC1', odsCode: 'X26', passphrase: 'correct horse' });
  expect(csr.encrypted).toBe(true);
  expect(isEncryptedKeyPem(csr.privateKeyPem)).toBe(true);
  expect(csr.privateKeyPem).not.toContain('correct horse');
  expect(openssl(['pkey', '-noout', '-passin', 'pass:'], csr.privateKeyPem).ok).toBe(false);
  expect(openssl(['pkey', '-noout', '-passin', 'pass:correct horse'], csr.privateKeyPem).ok).toBe(true);

  expect(readPrivateKey(csr.privateKeyPem, 'correct horse').asymmetricKeyDetails?.modulusLength).toBe(2048);
  expect(() => readPrivateKey(csr.privateKeyPem)).toThrow(expect.objectContaining({ code: 'key-passphrase-required' }));
  expect(() => readPrivateKey(csr.privateKeyPem, 'wrong')).toThrow(
    expect.objectContaining({ code: 'key-passphrase-wrong' }),
  );
  expect(() => readPrivateKey('not a key')).toThrow(PkiError);
});

test('bad mailbox or ODS codes are refused before any key is made', async () => {
  await expect(createMeshCsr({ mailboxId: 'X26ABC1', odsCode: 'X' })).rejects.toMatchObject({
    code: 'invalid-ods-code',
  });
  await expect(createMeshCsr({ mailboxId: 'X26 ABC1', odsCode: 'X26' })).rejects.toMatchObject({
    code: 'invalid-mailbox-id',
  });
});
