/** The evidence bundle: pack (the witness pack's `run`, and `observe`), verify, compare. */
export { bundleName, packBundle, type SealedBundle } from './bundle.ts';
export { manifestBody, type BundleKind, type CertificateSummary, type Manifest, type RunFacts } from './manifest.ts';
export { BUNDLE_FILES } from './layout.ts';
export { judgedCase, type JudgedRule } from './case-results.ts';
export { certificateFile } from './certificate.ts';
export { verifyBundle, formatVerifyReport, type VerifyReport, type VerifyProblem } from './verify.ts';
export { compareBundles, type BundleComparison } from './compare-bundles.ts';
export { formatCaseTable, formatChanges } from './case-table.ts';
export { configuredSecrets } from './known-secrets.ts';
export { configuredSigner, rehearsalSigner, throwawaySigner, type BundleSigner } from './signing.ts';
export type { CaseResult, CatalogueEntry, CaseOutcome } from './case-results.ts';
