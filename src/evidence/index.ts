/** The evidence bundle: run and pack, verify, compare. */
export { runAndPack, type PackContext, type RunOutcome, type RunRequest } from './run-and-pack.ts';
export { verifyBundle, formatVerifyReport, type VerifyReport, type VerifyProblem } from './verify.ts';
export { compareBundles } from './compare-bundles.ts';
export { formatCaseTable, formatChanges } from './case-table.ts';
export { configuredSecrets } from './known-secrets.ts';
export type { CaseResult, CatalogueEntry, CaseOutcome } from './case-results.ts';
export type { Manifest } from './manifest.ts';
