/** The sut's client certificate as the manifest records it: subject, issuer, SHA-256 fingerprint, validity. */
import { readFile } from 'node:fs/promises';
import type { ClientTls } from '../config/index.ts';
import { inspectCertificate, loadClientIdentity, type CertificateInfo } from '../pki/index.ts';
import type { CertificateSummary } from './manifest.ts';

function summary(info: CertificateInfo): CertificateSummary {
  return {
    subject: info.subject,
    issuer: info.issuer,
    fingerprintSha256: info.fingerprintSha256,
    serialNumber: info.serialNumber,
    notBefore: info.notBefore.toISOString(),
    notAfter: info.notAfter.toISOString(),
  };
}

/** The configured identity (PEM pair or PKCS#12); null when the run used no client certificate. */
export async function configuredCertificate(tls: ClientTls): Promise<CertificateSummary | null> {
  if (!tls.certPath && !tls.pfxPath) return null;
  return summary((await loadClientIdentity(tls)).certificate);
}

/** A certificate file on its own: on the sandbox, the copy of the one it issued to the sut. */
export async function certificateFile(path: string): Promise<CertificateSummary> {
  return summary(inspectCertificate(await readFile(path)));
}
