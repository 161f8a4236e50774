/** Keys, CSRs, a throwaway test CA, certificate inspection and chain checks: everything mesh-assure does with X.509. */
export { PkiError, type PkiErrorCode } from './errors.ts';
export { MESH_CN_SUFFIX, mailboxIdProblem, meshCommonName, odsCodeProblem, parseMeshCommonName } from './naming.ts';
export { generateRsaKey, isEncryptedKeyPem, privateKeyPem, readPrivateKey, type RsaKeyPair } from './keys.ts';
export { PRIVATE_FILE_MODE, writeFileAtomic, writePrivateFile } from './files.ts';
export {
  createTestCa,
  issueCertificate,
  loadTestCa,
  type IssueCertificateOptions,
  type IssuedCertificate,
  type TestCa,
  type ValidityWindow,
} from './test-ca.ts';
export {
  EXPIRY_WARNING_DAYS,
  inspectCertificate,
  keyMatchesCertificate,
  loadClientIdentity,
  parseCertificate,
  parseCertificates,
  readPfxCertificate,
  validityStatus,
  type CertificateInfo,
  type ClientIdentityReport,
  type ClientIdentitySource,
  type ValidityStatus,
} from './inspect.ts';
export { createMeshCsr, type MeshCsr, type MeshCsrOptions } from './csr.ts';
export { verifyChain, type ChainFailure, type ChainResult } from './chain.ts';
export {
  SANDBOX_CA_NAME,
  writeSandboxTlsMaterial,
  type SandboxTlsMaterial,
  type SandboxTlsOptions,
} from './sandbox-material.ts';
