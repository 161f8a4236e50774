/** RSA keys: generated and exported by node:crypto, handed to @peculiar/x509 as WebCrypto keys for signing. */
import { createPrivateKey, createPublicKey, generateKeyPair, webcrypto, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { PkiError } from './errors.ts';
import { RSA_SHA256 } from './webcrypto.ts';

const generateKeyPairAsync = promisify(generateKeyPair);

export interface RsaKeyPair {
  privateKey: KeyObject;
  /** The same key as WebCrypto keys, which @peculiar/x509 signs and embeds with. */
  cryptoKeys: webcrypto.CryptoKeyPair;
}

/** A fresh RSA 2048 key pair (asynchronous, so a test or the sandbox is not blocked while it is made). */
export async function generateRsaKey(): Promise<RsaKeyPair> {
  const { privateKey } = await generateKeyPairAsync('rsa', { modulusLength: 2048 });
  return { privateKey, cryptoKeys: await toCryptoKeyPair(privateKey) };
}

/** WebCrypto keys for an existing private key, e.g. a test CA read back from disk. */
export async function toCryptoKeyPair(privateKey: KeyObject): Promise<webcrypto.CryptoKeyPair> {
  const subtle = webcrypto.subtle;
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
  const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  return {
    privateKey: await subtle.importKey('pkcs8', pkcs8, RSA_SHA256, true, ['sign']),
    publicKey: await subtle.importKey('spki', spki, RSA_SHA256, true, ['verify']),
  };
}

/** PKCS#8 PEM, encrypted with AES-256-CBC when a passphrase is given. */
export function privateKeyPem(privateKey: KeyObject, passphrase?: string): string {
  if (passphrase)
    return privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase }) as string;
  return privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
}

/** True when a PEM private key needs a passphrase (PKCS#8 encrypted, or the traditional OpenSSL form). */
export function isEncryptedKeyPem(pem: string | Buffer): boolean {
  const text = pem.toString();
  return text.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----') || text.includes('Proc-Type: 4,ENCRYPTED');
}

/** Reads a PEM private key; a missing or wrong passphrase or an unreadable file becomes a PkiError. */
export function readPrivateKey(pem: string | Buffer, passphrase?: string): KeyObject {
  if (isEncryptedKeyPem(pem) && !passphrase) {
    throw new PkiError('key-passphrase-required', 'the private key is encrypted: a passphrase is needed to read it');
  }
  try {
    return createPrivateKey(passphrase ? { key: pem, format: 'pem', passphrase } : { key: pem, format: 'pem' });
  } catch {
    // A wrong passphrase usually fails the padding check, but now and then decrypts to garbage that fails
    // later as a bad encoding: for an encrypted key both mean the passphrase (or a damaged file).
    if (isEncryptedKeyPem(pem)) {
      throw new PkiError(
        'key-passphrase-wrong',
        'the passphrase does not decrypt the private key (or the key file is damaged)',
      );
    }
    throw new PkiError('key-unreadable', 'the private key is not a PEM private key that can be read');
  }
}
