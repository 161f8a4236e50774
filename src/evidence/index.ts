/** The evidence bundle: verify, compare, and the case table `run` and `observe` print. */
export { type Manifest } from './manifest.ts';
export { BUNDLE_FILES } from './layout.ts';
export { verifyBundle, formatVerifyReport, onlyUnsigned } from './verify.ts';
export { compareBundles } from './compare-bundles.ts';
export { formatCaseTable, formatChanges } from './case-table.ts';
