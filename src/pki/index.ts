/** Keys, CSRs, a throwaway test CA, certificate inspection and chain checks: everything mesh-assure does with X.509. */
export { PkiError, type PkiErrorCode } from './errors.ts';
export { MESH_CN_SUFFIX, mailboxIdProblem, meshCommonName, odsCodeProblem, parseMeshCommonName } from './naming.ts';
export { isEncryptedKeyPem, privateKeyPem, readPrivateKey } from './keys.ts';
export { writePrivateFile } from './files.ts';
export {
  createTestCa,
  issueCertificate,
  loadTestCa,
  type IssueCertificateOptions,
  type IssuedCertificate,
  type TestCa,
} from './test-ca.ts';
export {
  inspectCertificate,
  keyMatchesCertificate,
  loadClientIdentity,
  parseCertificates,
  readPfxCertificate,
  type CertificateInfo,
  type ClientIdentityReport,
} from './inspect.ts';
export { createMeshCsr } from './csr.ts';
export { verifyChain } from './chain.ts';
export { SANDBOX_CA_NAME, writeSandboxTlsMaterial, type SandboxTlsMaterial } from './sandbox-material.ts';
