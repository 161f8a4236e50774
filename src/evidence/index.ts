/** The evidence bundle: pack (the witness pack's `run`, and `observe`), verify, compare. */
export { packBundle, type SealedBundle } from './bundle.ts';
export { manifestBody, type CertificateSummary, type Manifest } from './manifest.ts';
export { BUNDLE_FILES } from './layout.ts';
export { judgedCase, type JudgedRule } from './case-results.ts';
export { certificateFile } from './certificate.ts';
export { verifyBundle, formatVerifyReport, onlyUnsigned } from './verify.ts';
export { compareBundles } from './compare-bundles.ts';
export { formatCaseTable, formatChanges } from './case-table.ts';
export { rehearsalSigner, type BundleSigner } from './signing.ts';
