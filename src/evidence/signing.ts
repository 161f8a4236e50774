/**
 * Who signs a bundle's manifest: the sut mailbox's client certificate and key (the pair NHS issued for it,
 * as PEM files or one PKCS#12 file) on INT, DEP or a URL; on a sandbox rehearsal the sandbox's throwaway CA's pair for that mailbox, whose CA
 * certificate goes into the bundle so that verify can check the chain and say it proves no identity. A
 * product observed without TLS has no pair: one is made for the packing, under a throwaway CA of the same
 * name. The signing key's every form is handed to the secret scan.
 */
import { X509Certificate as NodeCertificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { ClientTls } from '../config/index.ts';
import {
  PkiError,
  SANDBOX_CA_NAME,
  createTestCa,
  issueCertificate,
  meshCommonName,
  parseCertificates,
  readPrivateKey,
} from '../pki/index.ts';
import { signDetached } from '../pki/cms.ts';
import { readPfxIdentity } from '../pki/pkcs12.ts';
import { BUNDLE_FILES } from './layout.ts';
import type { KnownSecret } from './secret-scan.ts';

export interface BundleSigner {
  /** The signer's certificate first, then any chain from its file. */
  certificates: NodeCertificate[];
  privateKey: KeyObject;
  /** A rehearsal's throwaway CA certificate (PEM), packed as sandbox-ca.pem. */
  throwawayCaPem?: string;
}

async function readOrSay(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new Error(
      `cannot read the ${what} ${path} to sign the bundle (${(error as { code?: string }).code ?? 'error'})`,
    );
  }
}

/** The sut mailbox's identity from a PKCS#12 file: its certificate and the key behind it. */
async function pfxSigner(pfxPath: string, passphrase: string | undefined): Promise<BundleSigner> {
  const pfx = await readOrSay(pfxPath, 'PKCS#12 file (MESH_CLIENT_PFX)');
  try {
    const { certificate, privateKey } = readPfxIdentity(pfx, passphrase);
    return { certificates: [certificate], privateKey };
  } catch (error) {
    if (!(error instanceof PkiError)) throw error;
    throw new Error(`cannot sign the bundle with ${pfxPath} (MESH_CLIENT_PFX): ${error.message}`);
  }
}

/** The configured identity of the sut mailbox: a PEM certificate and key, or a PKCS#12 file, as for TLS. */
export async function configuredSigner(tls: ClientTls): Promise<BundleSigner> {
  if (tls.pfxPath) return pfxSigner(tls.pfxPath, tls.keyPassphrase);
  if (!tls.certPath || !tls.keyPath)
    throw new Error(
      'the bundle is signed with the sut mailbox client certificate: set MESH_CLIENT_CERT and MESH_CLIENT_KEY (the pair NHS issued for your CSR), or MESH_CLIENT_PFX',
    );
  const certificates = parseCertificates(await readOrSay(tls.certPath, 'client certificate'));
  if (certificates.length === 0) throw new Error(`${tls.certPath} holds no PEM certificate to sign the bundle with`);
  return { certificates, privateKey: readPrivateKey(await readOrSay(tls.keyPath, 'client key'), tls.keyPassphrase) };
}

/** The sandbox's pair for the sut mailbox, and its CA. */
export async function sandboxSigner(files: {
  certPath: string;
  keyPath: string;
  caCertPath: string;
}): Promise<BundleSigner> {
  const signer = await configuredSigner({ certPath: files.certPath, keyPath: files.keyPath });
  return { ...signer, throwawayCaPem: (await readOrSay(files.caCertPath, 'sandbox CA certificate')).toString() };
}

/** A pair made now under a new throwaway CA, for a rehearsal that used no client certificate. */
export async function throwawaySigner(mailboxId: string, odsCode: string): Promise<BundleSigner> {
  const ca = await createTestCa({ commonName: SANDBOX_CA_NAME });
  const leaf = await issueCertificate(ca, { purpose: 'client', commonName: meshCommonName(mailboxId, odsCode) });
  return {
    certificates: [new NodeCertificate(leaf.certPem)],
    privateKey: createPrivateKey(leaf.keyPem),
    throwawayCaPem: ca.certPem,
  };
}

/** A rehearsal's signer: the sandbox's pair for the mailbox when it issued one, else a throwaway pair. */
export const rehearsalSigner = (
  mailboxId: string,
  odsCode: string,
  files: { certPath: string; keyPath: string; caCertPath: string } | undefined,
): Promise<BundleSigner> => (files ? sandboxSigner(files) : throwawaySigner(mailboxId, odsCode));

/** The files sealing adds beside manifest.json: its signature, the signer's certificates, a rehearsal's CA. */
export function signatureFiles(
  manifestJson: Uint8Array,
  signer: BundleSigner,
  signingTime = new Date(),
): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>([
    [BUNDLE_FILES.signature, signDetached(manifestJson, signer, signingTime)],
    [BUNDLE_FILES.signer, Buffer.from(signer.certificates.map((c) => c.toString()).join(''), 'utf8')],
  ]);
  if (signer.throwawayCaPem) files.set(BUNDLE_FILES.rehearsalCa, Buffer.from(signer.throwawayCaPem, 'utf8'));
  return files;
}

/** The signing key as PKCS#8 and (RSA) PKCS#1, each as raw DER, one-line base64 and PEM body, for the secret scan. */
export function signingKeySecrets(signer: BundleSigner): KnownSecret[] {
  const key = signer.privateKey;
  const ders = [
    key.export({ type: 'pkcs8', format: 'der' }),
    ...(key.asymmetricKeyType === 'rsa' ? [key.export({ type: 'pkcs1', format: 'der' })] : []),
  ];
  return ders.flatMap((der) => {
    const base64 = der.toString('base64');
    return [der, base64, base64.replace(/.{64}/g, '$&\n').trimEnd()].map((value) => ({
      kind: 'signing key' as const,
      value,
    }));
  });
}
