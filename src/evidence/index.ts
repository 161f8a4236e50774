/** The evidence bundle: verify, compare, and the case table `run` and `observe` print. */
export { type Manifest } from './manifest.ts';
export { verifyBundle, formatVerifyReport } from './verify.ts';
export { compareBundles } from './compare-bundles.ts';
export { formatCaseTable, formatChanges } from './case-table.ts';
