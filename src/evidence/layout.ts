/** Where each file sits inside the bundle. */
export const BUNDLE_FILES = {
  landing: 'index.html',
  manifest: 'manifest.json',
  checksums: 'MANIFEST.sha256',
  /** The detached CMS signature over manifest.json (DER). */
  signature: 'manifest.json.p7s',
  /** The signer's certificate (and any chain from its file), PEM. */
  signer: 'signer-certificate.pem',
  /** A rehearsal only: the sandbox's throwaway CA certificate that issued the signer's. */
  rehearsalCa: 'sandbox-ca.pem',
  allureAwesome: 'reports/allure/index.html',
  allure2: 'reports/allure2/index.html',
  playwright: 'reports/playwright/index.html',
  junit: 'reports/junit.xml',
  results: 'reports/results.json',
  /** Every HTTP exchange of the run in order, authorization redacted. */
  exchanges: 'reports/exchanges.jsonl',
  /**
   * Product mode: the journal the product's requests were judged from (the relay's, or the embedded
   * sandbox's part for the product mailbox), one JSON object a line; entry i is the request verdicts name `#i`.
   */
  judgedJournal: 'reports/journal.jsonl',
  /** observe: every verdict with all its findings and proving requests, the limits and the session's loose ends. */
  observeResult: 'reports/observe.json',
  /** observe: every request of the product's mailbox as the sandbox journalled it (no authorization). */
  productJournal: 'reports/product-journal.json',
} as const;

/** The files that describe or sign the others, so are not listed in the manifest's `files`. */
export const SEAL_FILES: ReadonlySet<string> = new Set([
  BUNDLE_FILES.manifest,
  BUNDLE_FILES.checksums,
  BUNDLE_FILES.signature,
  BUNDLE_FILES.signer,
  BUNDLE_FILES.rehearsalCa,
]);

/** The seal files every bundle has (a rehearsal's CA is there only on a rehearsal). */
export const REQUIRED_SEAL_FILES: readonly string[] = [
  BUNDLE_FILES.manifest,
  BUNDLE_FILES.checksums,
  BUNDLE_FILES.signature,
  BUNDLE_FILES.signer,
];
