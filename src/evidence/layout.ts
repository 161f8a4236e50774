/** Where each file sits inside the bundle. */
export const BUNDLE_FILES = {
  landing: 'index.html',
  manifest: 'manifest.json',
  checksums: 'MANIFEST.sha256',
  allureAwesome: 'reports/allure/index.html',
  allure2: 'reports/allure2/index.html',
  playwright: 'reports/playwright/index.html',
  junit: 'reports/junit.xml',
  results: 'reports/results.json',
  /** Every HTTP exchange of the run in order, authorization redacted. */
  exchanges: 'reports/exchanges.jsonl',
  /** observe: every verdict with all its findings and proving requests, the limits and the session's loose ends. */
  observeResult: 'reports/observe.json',
  /** observe: every request of the product's mailbox as the sandbox journalled it (no authorization). */
  productJournal: 'reports/product-journal.json',
} as const;

/** The two files that describe the others, so are not listed in the manifest's `files`. */
export const SEAL_FILES: ReadonlySet<string> = new Set([BUNDLE_FILES.manifest, BUNDLE_FILES.checksums]);
