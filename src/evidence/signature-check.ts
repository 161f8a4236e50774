/**
 * The signature part of verify: manifest.json's detached CMS signature verifies, its signer is the
 * certificate the manifest names and signer-certificate.pem holds, its common name names the sut mailbox,
 * and it chains (at signing time) to the NHS PTL G2 root shipped in src/pki/ca, or to a CA given. A
 * rehearsal may chain to the sandbox's throwaway CA it carries, and the report says what that is worth.
 */
import { readFile } from 'node:fs/promises';
import { PTL_CA_BUNDLE } from '../config/index.ts';
import { SANDBOX_CA_NAME, inspectCertificate, parseCertificates, verifyChain } from '../pki/index.ts';
import { SignatureError, verifyDetached, type DetachedSignature } from '../pki/cms.ts';
import { BUNDLE_FILES } from './layout.ts';
import type { Manifest } from './manifest.ts';
import type { VerifyProblem } from './verify.ts';
import type { ZipEntry } from './zip.ts';

/** What the signer was trusted through: the NHS PTL chain, a CA the user gave, or a rehearsal's own throwaway CA. */
export type SignerTrust = 'nhs-ptl' | 'given-ca' | 'throwaway';

export interface SignerReport {
  subject: string;
  issuer: string;
  /** The mailbox the certificate's MESH common name names, if it follows the convention. */
  mailboxId: string | undefined;
  signedAt: string;
  trust: SignerTrust;
  /** Subjects from the signer up to the trusted root, when the chain held. */
  chain: string[] | undefined;
}

const oneLine = (name: string): string => name.split('\n').join(', ');

async function anchors(
  manifest: Manifest,
  entries: ReadonlyMap<string, ZipEntry>,
  caBundle: string | undefined,
): Promise<{ pem: string; trust: SignerTrust }> {
  if (caBundle) {
    try {
      return { pem: await readFile(caBundle, 'utf8'), trust: 'given-ca' };
    } catch (error) {
      throw new Error(
        `cannot read the CA bundle ${caBundle} given with --ca (${(error as { code?: string }).code ?? 'error'})`,
      );
    }
  }
  const sandboxCa = entries.get(BUNDLE_FILES.rehearsalCa)?.data;
  // A throwaway CA is trusted for a rehearsal only: a bundle claiming to be evidence must chain to NHS.
  const [ca] = sandboxCa ? parseCertificates(Buffer.from(sandboxCa)) : [];
  if (manifest.rehearsal && ca && inspectCertificate(ca.toString()).commonName === SANDBOX_CA_NAME)
    return { pem: ca.toString(), trust: 'throwaway' };
  return { pem: await readFile(PTL_CA_BUNDLE, 'utf8'), trust: 'nhs-ptl' };
}

function readSignature(
  entries: ReadonlyMap<string, ZipEntry>,
  problems: VerifyProblem[],
): DetachedSignature | undefined {
  const signature = entries.get(BUNDLE_FILES.signature)?.data;
  const manifestJson = entries.get(BUNDLE_FILES.manifest)?.data;
  if (!signature || !manifestJson) return undefined;
  try {
    return verifyDetached(signature, manifestJson);
  } catch (error) {
    if (!(error instanceof SignatureError)) throw error;
    const file = error.reason === 'content-differs' ? BUNDLE_FILES.manifest : BUNDLE_FILES.signature;
    const detail =
      error.reason === 'content-differs' ? `it is not the manifest that was signed (${error.message})` : error.message;
    problems.push({ kind: 'signature', file, detail });
    return undefined;
  }
}

/** The signer's identity against the manifest and the certificate file beside the signature. */
function checkIdentity(
  manifest: Manifest,
  entries: ReadonlyMap<string, ZipEntry>,
  signed: DetachedSignature,
  problems: VerifyProblem[],
): string | undefined {
  const signerFile = entries.get(BUNDLE_FILES.signer)?.data;
  const [shipped] = signerFile ? parseCertificates(Buffer.from(signerFile)) : [];
  if (signerFile && !shipped?.raw.equals(signed.signer.raw)) {
    problems.push({
      kind: 'altered',
      file: BUNDLE_FILES.signer,
      detail: 'it is not the certificate inside the signature',
    });
  }
  const named = manifest.certificate;
  if (named && named.fingerprintSha256 !== signed.signer.fingerprint256) {
    problems.push({
      kind: 'signature',
      file: BUNDLE_FILES.signature,
      detail: `signed by certificate ${signed.signer.fingerprint256}, but manifest.json names ${named.fingerprintSha256}`,
    });
  }
  if (!named && !manifest.rehearsal) {
    problems.push({
      kind: 'signature',
      file: BUNDLE_FILES.manifest,
      detail: "it names no client certificate: evidence must be signed with the sut mailbox's",
    });
  }
  const mailboxId = inspectCertificate(signed.signer.toString()).meshName?.mailboxId;
  if (mailboxId !== undefined && mailboxId !== manifest.mailboxes.sut) {
    problems.push({
      kind: 'signature',
      file: BUNDLE_FILES.signature,
      detail: `signed for mailbox ${mailboxId}, but the run's sut mailbox is ${manifest.mailboxes.sut}`,
    });
  }
  return mailboxId;
}

/** Adds every failure to `problems`; returns who signed when the signature itself verified. */
export async function checkSignature(
  manifest: Manifest,
  entries: ReadonlyMap<string, ZipEntry>,
  caBundle: string | undefined,
  problems: VerifyProblem[],
): Promise<SignerReport | undefined> {
  const signed = readSignature(entries, problems);
  if (!signed) return undefined;
  const mailboxId = checkIdentity(manifest, entries, signed, problems);
  const trusted = await anchors(manifest, entries, caBundle);
  const presented = signed.certificates.filter((c) => !c.raw.equals(signed.signer.raw));
  const chain = verifyChain(
    [signed.signer, ...presented].map((c) => c.toString()).join(''),
    trusted.pem,
    signed.signingTime,
  );
  if (!chain.ok) {
    const to =
      trusted.trust === 'given-ca'
        ? `the CA given (${caBundle})`
        : trusted.trust === 'throwaway'
          ? "the sandbox's throwaway CA"
          : 'the NHS PTL G2 root (src/pki/ca)';
    problems.push({
      kind: 'signature',
      file: BUNDLE_FILES.signer,
      detail: `it does not chain to ${to} at signing time: ${chain.message}`,
    });
  }
  return {
    subject: oneLine(signed.signer.subject),
    issuer: oneLine(signed.signer.issuer),
    mailboxId,
    signedAt: signed.signingTime.toISOString(),
    trust: trusted.trust,
    chain: chain.ok ? chain.path : undefined,
  };
}

export function formatSigner(signer: SignerReport): string[] {
  const lines = [
    `  signed by ${signer.subject} (issued by ${signer.issuer})`,
    `  for mailbox ${signer.mailboxId ?? '(the certificate names no MESH mailbox)'}, at ${signer.signedAt}`,
  ];
  if (signer.chain) lines.push(`  chain: ${signer.chain.join(' <- ')}`);
  if (signer.trust === 'throwaway')
    lines.push(
      "  REHEARSAL: signed under the sandbox's throwaway CA carried in the bundle: the files are as packed, but no one's identity is proven",
    );
  return lines;
}
