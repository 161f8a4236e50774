/** The private key and certificate signing request a supplier sends to the NHS service desk for a MESH mailbox. */
import { generateRsaKey, privateKeyPem } from './keys.ts';
import { meshCommonName } from './naming.ts';
import { RSA_SHA256, x509 } from './webcrypto.ts';

export interface MeshCsrOptions {
  mailboxId: string;
  odsCode: string;
  /** Encrypts the private key (PKCS#8, AES-256-CBC); without it the key is written in the clear. */
  passphrase?: string;
}

export interface MeshCsr {
  commonName: string;
  csrPem: string;
  privateKeyPem: string;
  encrypted: boolean;
}

/**
 * An RSA 2048 key and a SHA-256 CSR whose subject is the MESH common name and nothing else: the service
 * desk wants every other subject field blank and no email address. Invalid ids throw a PkiError.
 */
export async function createMeshCsr(options: MeshCsrOptions): Promise<MeshCsr> {
  const commonName = meshCommonName(options.mailboxId, options.odsCode);
  const key = await generateRsaKey();
  const request = await x509.Pkcs10CertificateRequestGenerator.create({
    name: [{ CN: [commonName] }],
    keys: key.cryptoKeys,
    signingAlgorithm: RSA_SHA256,
  });
  return {
    commonName,
    csrPem: request.toString('pem'),
    privateKeyPem: privateKeyPem(key.privateKey, options.passphrase),
    encrypted: Boolean(options.passphrase),
  };
}
