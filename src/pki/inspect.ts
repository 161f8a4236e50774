/**
 * Reading certificates and client identities: what `mesh-assure doctor`, the evidence manifest and the
 * tests need to know about a certificate, without openssl.
 */
import { X509Certificate as NodeCertificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Socket } from 'node:net';
import { TLSSocket, createSecureContext } from 'node:tls';
import { PkiError } from './errors.ts';
import { readPrivateKey } from './keys.ts';
import { parseMeshCommonName } from './naming.ts';
import { x509 } from './webcrypto.ts';

const DAY_MS = 86_400_000;

/** Certificates closer than this to expiry are flagged, so a renewal can be requested in time. */
export const EXPIRY_WARNING_DAYS = 30;

export type ValidityStatus = 'valid' | 'expiring-soon' | 'expired' | 'not-yet-valid';

export interface CertificateInfo {
  /** One line, attributes in the certificate's own order, e.g. "C=GB, O=nhs, OU=CA, CN=NHS INT Authentication G2". */
  subject: string;
  issuer: string;
  commonName: string | undefined;
  /** Mailbox and ODS code when the common name follows the MESH convention. */
  meshName: { mailboxId: string; odsCode: string } | undefined;
  subjectAltNames: string | undefined;
  isCa: boolean;
  notBefore: Date;
  notAfter: Date;
  /** Whole days until notAfter; negative once expired. */
  daysLeft: number;
  status: ValidityStatus;
  /** Colon-separated upper-case hex, as browsers and openssl show it. */
  fingerprintSha256: string;
  /** Upper-case hex. */
  serialNumber: string;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Every certificate in a PEM text (a single certificate, a chain or a CA bundle), in order. */
export function parseCertificates(pem: string | Buffer): NodeCertificate[] {
  const blocks = pem.toString().match(PEM_CERTIFICATE) ?? [];
  try {
    return blocks.map((block) => new NodeCertificate(block));
  } catch {
    throw new PkiError('certificate-unreadable', 'a PEM certificate block could not be parsed');
  }
}

/** The first certificate of a PEM text: the leaf, when the file also carries its chain. */
export function parseCertificate(pem: string | Buffer): NodeCertificate {
  const [first] = parseCertificates(pem);
  if (!first)
    throw new PkiError('certificate-unreadable', 'no PEM certificate found (expected -----BEGIN CERTIFICATE-----)');
  return first;
}

export function validityStatus(notBefore: Date, notAfter: Date, now = new Date()): ValidityStatus {
  if (now < notBefore) return 'not-yet-valid';
  if (now > notAfter) return 'expired';
  return notAfter.getTime() - now.getTime() < EXPIRY_WARNING_DAYS * DAY_MS ? 'expiring-soon' : 'valid';
}

export function inspectCertificate(pem: string | Buffer, now = new Date()): CertificateInfo {
  const certificate = parseCertificate(pem);
  // Node gives fingerprints and validity; @peculiar/x509 gives names in one-line form and single fields.
  const named = new x509.X509Certificate(certificate.raw);
  const commonName = named.subjectName.getField('CN')[0];
  const notBefore = new Date(certificate.validFrom);
  const notAfter = new Date(certificate.validTo);
  return {
    subject: named.subject,
    issuer: named.issuer,
    commonName,
    meshName: commonName === undefined ? undefined : parseMeshCommonName(commonName),
    subjectAltNames: certificate.subjectAltName,
    isCa: certificate.ca,
    notBefore,
    notAfter,
    daysLeft: Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS),
    status: validityStatus(notBefore, notAfter, now),
    fingerprintSha256: certificate.fingerprint256,
    serialNumber: certificate.serialNumber.toUpperCase(),
  };
}

/** Whether the private key belongs to the certificate; throws a PkiError when the key cannot be read. */
export function keyMatchesCertificate(certPem: string | Buffer, keyPem: string | Buffer, passphrase?: string): boolean {
  return parseCertificate(certPem).checkPrivateKey(readPrivateKey(keyPem, passphrase));
}

/**
 * The certificate of a PKCS#12 (.pfx/.p12) file, as PEM. Node has no PKCS#12 parser, but OpenSSL inside
 * Node decodes one for a TLS context: a socket on that context, never connected, reports its own
 * certificate. Loading also proves the passphrase right and the key matching the certificate, since
 * OpenSSL refuses a mismatched pair.
 */
export function readPfxCertificate(pfx: Buffer, passphrase?: string): string {
  let socket: TLSSocket | undefined;
  try {
    socket = new TLSSocket(new Socket(), { secureContext: createSecureContext({ pfx, passphrase }) });
    const own = socket.getCertificate();
    const raw = own && 'raw' in own ? own.raw : undefined;
    if (!raw) throw new PkiError('pfx-unreadable', 'the PKCS#12 file holds no certificate');
    return new NodeCertificate(raw).toString();
  } catch (error) {
    if (error instanceof PkiError) throw error;
    throw pfxError(error as { code?: string; message?: string });
  } finally {
    socket?.destroy();
  }
}

function pfxError(error: { code?: string; message?: string }): PkiError {
  if (error.message === 'mac verify failure') {
    return new PkiError(
      'pfx-passphrase-wrong',
      'the passphrase does not open the PKCS#12 file (or it is needed and missing)',
    );
  }
  if (error.code === 'ERR_CRYPTO_UNSUPPORTED_OPERATION') {
    return new PkiError(
      'pfx-unsupported',
      'the PKCS#12 file uses legacy encryption (RC2/3DES) that Node 20 cannot read: re-export it with AES-256, or use PEM files',
    );
  }
  if (error.code === 'ERR_OSSL_X509_KEY_VALUES_MISMATCH') {
    return new PkiError('pfx-unreadable', 'the private key in the PKCS#12 file does not belong to its certificate');
  }
  return new PkiError('pfx-unreadable', 'the file is not a readable PKCS#12 (.pfx/.p12) file');
}

/** Where a client TLS identity lives; the same shape as the configuration's per-mailbox TLS settings. */
export interface ClientIdentitySource {
  certPath?: string;
  keyPath?: string;
  keyPassphrase?: string;
  pfxPath?: string;
}

export interface ClientIdentityReport {
  format: 'pem' | 'pfx';
  /** The client certificate (with any chain from a PEM file), for chain verification. */
  certPem: string;
  certificate: CertificateInfo;
  keyMatches: boolean;
}

async function readSourceFile(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new PkiError(
      'file-unreadable',
      `cannot read the ${what} file ${path} (${(error as { code?: string }).code ?? 'error'})`,
    );
  }
}

/**
 * Reads a client identity as the MESH client will use it and reports what doctor checks: readable,
 * passphrase right, key matching, name and validity. Unreadable parts throw a PkiError.
 */
export async function loadClientIdentity(
  source: ClientIdentitySource,
  now = new Date(),
): Promise<ClientIdentityReport> {
  if (source.pfxPath) {
    const certPem = readPfxCertificate(await readSourceFile(source.pfxPath, 'PKCS#12'), source.keyPassphrase);
    return { format: 'pfx', certPem, certificate: inspectCertificate(certPem, now), keyMatches: true };
  }
  if (!source.certPath || !source.keyPath) {
    throw new PkiError('file-unreadable', 'a client identity needs a certificate and a key file, or a PKCS#12 file');
  }
  const certPem = (await readSourceFile(source.certPath, 'certificate')).toString();
  const keyPem = await readSourceFile(source.keyPath, 'private key');
  const certificate = inspectCertificate(certPem, now);
  return {
    format: 'pem',
    certPem,
    certificate,
    keyMatches: keyMatchesCertificate(certPem, keyPem, source.keyPassphrase),
  };
}
