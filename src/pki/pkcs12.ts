/**
 * The private key and certificate of a PKCS#12 (.pfx/.p12) file, for signing with the identity the client
 * uses for TLS. OpenSSL inside Node opens the file for the certificate (readPfxCertificate, which also checks
 * the passphrase against the file's MAC and the key against the certificate); the key is then taken from
 * the file's unencrypted safe: a PKCS#8 shrouded key bag, which Node decrypts with the same passphrase, or
 * a plain key bag. Keys inside an encrypted safe are not read (OpenSSL and Windows put certificates there,
 * keys in a shrouded bag).
 */
import { X509Certificate as NodeCertificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { ContentInfo, id_data } from '@peculiar/asn1-cms';
import { AuthenticatedSafe, PFX, SafeContents, id_keyBag, id_pkcs8ShroudedKeyBag } from '@peculiar/asn1-pfx';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { PkiError } from './errors.ts';
import { readPfxCertificate } from './inspect.ts';

export interface Pkcs12Identity {
  certificate: NodeCertificate;
  privateKey: KeyObject;
}

const unreadable = (why: string): PkiError => new PkiError('pfx-unreadable', `the PKCS#12 file ${why}`);

/** The bytes inside a `data` ContentInfo (an OCTET STRING), or undefined for any other content type. */
function dataContent(info: ContentInfo): ArrayBuffer | undefined {
  if (info.contentType !== id_data) return undefined;
  return AsnConvert.parse(info.content, OctetString).buffer;
}

function keyFromBag(bagId: string, value: ArrayBuffer, passphrase: string | undefined): KeyObject | undefined {
  const der = Buffer.from(value);
  try {
    if (bagId === id_pkcs8ShroudedKeyBag)
      return createPrivateKey({ key: der, format: 'der', type: 'pkcs8', passphrase: passphrase ?? '' });
    if (bagId === id_keyBag) return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } catch (error) {
    // The MAC already proved the passphrase; what fails here is the bag's cipher.
    const code = (error as { code?: string }).code ?? 'error';
    throw new PkiError(
      'pfx-unsupported',
      `the private key in the PKCS#12 file cannot be decrypted here (${code}): re-export it with AES-256 (openssl pkcs12 -export -keypbe AES-256-CBC -certpbe AES-256-CBC), or use PEM files`,
    );
  }
  return undefined;
}

export function readPfxIdentity(pfx: Buffer, passphrase?: string): Pkcs12Identity {
  const certificate = new NodeCertificate(readPfxCertificate(pfx, passphrase));
  let safes: AuthenticatedSafe;
  try {
    const authSafe = dataContent(AsnConvert.parse(pfx, PFX).authSafe);
    if (!authSafe) throw unreadable('is sealed with a public key, not a passphrase');
    safes = AsnConvert.parse(authSafe, AuthenticatedSafe);
  } catch (error) {
    if (error instanceof PkiError) throw error;
    throw unreadable('is not DER-encoded PKCS#12');
  }
  for (const safe of safes) {
    const contents = dataContent(safe);
    if (!contents) continue;
    for (const bag of AsnConvert.parse(contents, SafeContents)) {
      const key = keyFromBag(bag.bagId, bag.bagValue, passphrase);
      if (key && certificate.checkPrivateKey(key)) return { certificate, privateKey: key };
    }
  }
  throw unreadable('holds no readable private key for its certificate outside an encrypted safe');
}
