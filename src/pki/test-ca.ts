/**
 * A throwaway certificate authority for the sandbox and for tests: it issues server and client
 * certificates with any common name, SANs and validity window, including broken ones (expired, not yet
 * valid, wrong CA) that tests of other modules need to provoke failures.
 */
import { isIP } from 'node:net';
import type { KeyObject, webcrypto } from 'node:crypto';
import { generateRsaKey, privateKeyPem, readPrivateKey, toCryptoKeyPair } from './keys.ts';
import { RSA_SHA256, x509 } from './webcrypto.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface ValidityWindow {
  /** Default: an hour ago, so a client whose clock runs a little behind still accepts the certificate. */
  notBefore?: Date;
  /** Default: ten years for a CA, two years for a certificate it issues. */
  notAfter?: Date;
}

export interface TestCa {
  commonName: string;
  certPem: string;
  /** Unencrypted PKCS#8 PEM: a throwaway CA has nothing worth a passphrase. */
  keyPem: string;
  privateKey: KeyObject;
  certificate: x509.X509Certificate;
  cryptoKeys: webcrypto.CryptoKeyPair;
}

export interface IssueCertificateOptions extends ValidityWindow {
  purpose: 'server' | 'client' | 'intermediate-ca';
  commonName: string;
  /** Subject alternative names; each entry is filed as an IP address or a DNS name by its form. */
  altNames?: string[];
}

export interface IssuedCertificate {
  commonName: string;
  certPem: string;
  keyPem: string;
  privateKey: KeyObject;
}

function validity(window: ValidityWindow, lifetimeDays: number): { notBefore: Date; notAfter: Date } {
  const now = Date.now();
  return {
    notBefore: window.notBefore ?? new Date(now - HOUR_MS),
    notAfter: window.notAfter ?? new Date(now + lifetimeDays * DAY_MS),
  };
}

function caExtensions(pathLength: number | undefined): x509.Extension[] {
  return [
    new x509.BasicConstraintsExtension(true, pathLength, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
  ];
}

export async function createTestCa(options: { commonName?: string } & ValidityWindow = {}): Promise<TestCa> {
  const commonName = options.commonName ?? 'mesh-assure test CA';
  const key = await generateRsaKey();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    name: [{ CN: [commonName] }],
    keys: key.cryptoKeys,
    signingAlgorithm: RSA_SHA256,
    ...validity(options, 3650),
    extensions: [
      // No path length limit, so tests can hang an intermediate CA below it.
      ...caExtensions(undefined),
      await x509.SubjectKeyIdentifierExtension.create(key.cryptoKeys.publicKey),
    ],
  });
  return {
    commonName,
    certPem: certificate.toString('pem'),
    keyPem: privateKeyPem(key.privateKey),
    privateKey: key.privateKey,
    certificate,
    cryptoKeys: key.cryptoKeys,
  };
}

/** A test CA read back from its PEM files, so certificates issued later still chain to the one clients trust. */
export async function loadTestCa(certPem: string, keyPem: string): Promise<TestCa> {
  const certificate = new x509.X509Certificate(certPem);
  const privateKey = readPrivateKey(keyPem);
  return {
    commonName: certificate.subjectName.getField('CN')[0] ?? certificate.subject,
    certPem: certificate.toString('pem'),
    keyPem,
    privateKey,
    certificate,
    cryptoKeys: await toCryptoKeyPair(privateKey),
  };
}

/** The extensions that make a certificate fit its purpose (and nothing more). */
function purposeExtensions(purpose: IssueCertificateOptions['purpose']): x509.Extension[] {
  if (purpose === 'intermediate-ca') return caExtensions(0);
  const usage = purpose === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth;
  return [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension([usage]),
  ];
}

/** A certificate signed by `ca`; an 'intermediate-ca' result can be turned into a TestCa with loadTestCa. */
export async function issueCertificate(ca: TestCa, options: IssueCertificateOptions): Promise<IssuedCertificate> {
  const key = await generateRsaKey();
  const extensions = [
    ...purposeExtensions(options.purpose),
    await x509.SubjectKeyIdentifierExtension.create(key.cryptoKeys.publicKey),
    await x509.AuthorityKeyIdentifierExtension.create(ca.cryptoKeys.publicKey),
  ];
  if (options.altNames?.length) {
    const names = options.altNames.map((value) => ({ type: isIP(value) ? ('ip' as const) : ('dns' as const), value }));
    extensions.push(new x509.SubjectAlternativeNameExtension(names));
  }
  const certificate = await x509.X509CertificateGenerator.create({
    subject: [{ CN: [options.commonName] }],
    issuer: ca.certificate.subjectName,
    publicKey: key.cryptoKeys.publicKey,
    signingKey: ca.cryptoKeys.privateKey,
    signingAlgorithm: RSA_SHA256,
    ...validity(options, 730),
    extensions,
  });
  return {
    commonName: options.commonName,
    certPem: certificate.toString('pem'),
    keyPem: privateKeyPem(key.privateKey),
    privateKey: key.privateKey,
  };
}
