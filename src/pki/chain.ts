/**
 * Does a certificate chain to a trusted root in a CA bundle? The same question Node's TLS asks during a
 * handshake, answered ahead of time with a reason a person can act on.
 */
import type { X509Certificate as NodeCertificate } from 'node:crypto';
import { parseCertificates } from './inspect.ts';
import { PkiError } from './errors.ts';

export type ChainFailure = 'issuer-not-found' | 'signature' | 'expired' | 'not-yet-valid' | 'not-a-ca';

export type ChainResult =
  | { ok: true; /** Subjects from the certificate up to the trusted root. */ path: string[] }
  | { ok: false; reason: ChainFailure; message: string };

/** Longer than any real chain; stops a loop between cross-signed certificates. */
const MAX_DEPTH = 8;

const firstLine = (name: string): string => name.split('\n').join(', ');

const isSelfSigned = (certificate: NodeCertificate): boolean =>
  certificate.checkIssued(certificate) && certificate.verify(certificate.publicKey);

function timeProblem(certificate: NodeCertificate, at: Date): ChainResult | undefined {
  const name = firstLine(certificate.subject);
  if (at < new Date(certificate.validFrom))
    return { ok: false, reason: 'not-yet-valid', message: `${name} is not valid before ${certificate.validFrom}` };
  if (at > new Date(certificate.validTo))
    return { ok: false, reason: 'expired', message: `${name} expired on ${certificate.validTo}` };
  return undefined;
}

/**
 * Walks from the first certificate of `certPem` to a self-signed root in `caBundlePem`, as Node's TLS
 * does (a bundle holding only an intermediate is not enough). Further certificates in `certPem` may serve
 * as intermediates but are not trusted on their own.
 */
export function verifyChain(certPem: string | Buffer, caBundlePem: string | Buffer, at = new Date()): ChainResult {
  const [leaf, ...intermediates] = parseCertificates(certPem);
  if (!leaf)
    throw new PkiError('certificate-unreadable', 'no PEM certificate found (expected -----BEGIN CERTIFICATE-----)');
  const trusted = parseCertificates(caBundlePem);
  const path = [firstLine(leaf.subject)];
  let current = leaf;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const problem = timeProblem(current, at);
    if (problem) return problem;
    if (isSelfSigned(current)) {
      if (trusted.some((anchor) => anchor.raw.equals(current.raw))) return { ok: true, path };
      // A root that came with the certificate rather than from the bundle proves nothing.
      return {
        ok: false,
        reason: 'issuer-not-found',
        message: `the chain ends at ${firstLine(current.subject)}, a root the CA bundle does not hold`,
      };
    }
    const named = [...trusted, ...intermediates].filter((candidate) => candidate.subject === current.issuer);
    if (named.length === 0) {
      return {
        ok: false,
        reason: 'issuer-not-found',
        message: `the issuer of ${firstLine(current.subject)} (${firstLine(current.issuer)}) is not in the CA bundle`,
      };
    }
    const issuer = named.find((candidate) => current.verify(candidate.publicKey));
    if (!issuer) {
      return {
        ok: false,
        reason: 'signature',
        message: `the signature on ${firstLine(current.subject)} does not verify with the key of any ${firstLine(current.issuer)} in the CA bundle`,
      };
    }
    // checkIssued adds what a name and a signature do not prove: the issuer may sign certificates (key usage).
    if (!issuer.ca || !current.checkIssued(issuer)) {
      return {
        ok: false,
        reason: 'not-a-ca',
        message: `${firstLine(issuer.subject)} signed ${firstLine(current.subject)} but is not a CA allowed to sign certificates`,
      };
    }
    path.push(firstLine(issuer.subject));
    current = issuer;
  }
  return { ok: false, reason: 'issuer-not-found', message: `no trusted root within ${MAX_DEPTH} certificates` };
}
