/**
 * `mesh-assure run` end to end: the witness pack, the reports, the case table, the comparison with a
 * baseline bundle, and the sealed evidence bundle.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { readVariables, type Settings } from '../config/index.ts';
import { assertWorkflowAssociation } from '../doctor/index.ts';
import { sutMode } from './product-config.ts';
import { generateAllureReports } from '../evidence/allure-report.ts';
import { collectCaseResults, type CatalogueEntry } from '../evidence/case-results.ts';
import { certificateFile, configuredCertificate } from '../evidence/certificate.ts';
import { compareWithBaseline } from '../evidence/compare-bundles.ts';
import { packBundle, type SealedBundle } from '../evidence/bundle.ts';
import { configuredSecrets } from '../evidence/known-secrets.ts';
import { configuredSigner, rehearsalSigner, throwawaySigner, type BundleSigner } from '../evidence/signing.ts';
import { BUNDLE_FILES } from '../evidence/layout.ts';
import { manifestBody, type CertificateSummary, type ManifestBody } from '../evidence/manifest.ts';
import { stripAnalytics } from '../evidence/offline.ts';
import { injectRehearsalBanner } from '../evidence/rehearsal-banner.ts';
import { CASES, caseTitle } from './catalogue.ts';
import { REPORT_PATHS, type ReportPaths } from './report-paths.ts';
import { clearOutputs, runWitnessPack, type PackRunInfo } from './runner.ts';
import { sandboxCertificateCopy, sandboxSigningFiles, STATE_FILES, stateFilePath } from './run-state.ts';

/** The catalogue as the evidence shows it. */
export const CATALOGUE: readonly CatalogueEntry[] = CASES.map((c) => ({
  id: c.id,
  title: caseTitle(c),
  set: c.set,
  optional: c.optional,
}));

export interface RunRequest {
  cases?: string[];
  baseline?: string;
  outDir: string;
}

export interface RunOutcome extends SealedBundle {
  packExitCode: number;
}

/** The case ids asked for, checked against the catalogue. */
export function selectCases(
  catalogue: readonly CatalogueEntry[],
  asked: readonly string[] | undefined,
): string[] | undefined {
  if (!asked) return undefined;
  const known = new Set(catalogue.map((c) => c.id));
  const unknown = asked.filter((id) => !known.has(id));
  if (unknown.length > 0) throw new Error(`unknown case ${unknown.join(', ')}: the cases are ${[...known].join(', ')}`);
  return [...asked];
}

async function filesUnder(dir: string, bundleDir: string): Promise<[string, Uint8Array][]> {
  const names = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = names.filter((d) => d.isFile()).map((d) => join(d.parentPath, d.name));
  return Promise.all(
    files.map(
      async (file) =>
        [`${bundleDir}/${relative(dir, file).split('\\').join('/')}`, await readFile(file)] as [string, Uint8Array],
    ),
  );
}

/** The report files by bundle path: pages without analytics, and marked as a rehearsal on the sandbox. */
async function reportFiles(reports: ReportPaths, rehearsal: boolean): Promise<Map<string, Uint8Array>> {
  const allure = await generateAllureReports(reports.allureResults, join(reports.root, 'allure-report'));
  const files = new Map<string, Uint8Array>([
    [BUNDLE_FILES.allureAwesome, await readFile(allure.awesome)],
    [BUNDLE_FILES.allure2, await readFile(allure.allure2)],
    ...(await filesUnder(reports.html, 'reports/playwright')),
    [BUNDLE_FILES.junit, await readFile(reports.junit)],
    [BUNDLE_FILES.results, await readFile(reports.json)],
  ]);
  const exchanges = stateFilePath(reports, STATE_FILES.exchanges);
  files.set(BUNDLE_FILES.exchanges, existsSync(exchanges) ? await readFile(exchanges) : new Uint8Array());
  // Product mode only, where the product's requests were seen: what its verdicts point into.
  const judged = stateFilePath(reports, STATE_FILES.judgedJournal);
  if (existsSync(judged)) files.set(BUNDLE_FILES.judgedJournal, await readFile(judged));
  for (const [path, data] of files) {
    if (!path.endsWith('.html')) continue;
    const page = stripAnalytics(Buffer.from(data).toString('utf8'));
    files.set(path, Buffer.from(rehearsal ? injectRehearsalBanner(page) : page, 'utf8'));
  }
  return files;
}

async function sutCertificate(settings: Settings, reports: ReportPaths): Promise<CertificateSummary | null> {
  if (settings.target !== 'sandbox') return configuredCertificate(settings.sut.tls);
  const copy = sandboxCertificateCopy(settings.sut.mailboxId, reports);
  return existsSync(copy) ? certificateFile(copy) : null;
}

function witnessBody(
  settings: Settings,
  run: PackRunInfo,
  reports: ReportPaths,
  certificate: CertificateSummary | null,
): ManifestBody {
  const mode = sutMode(readVariables());
  return manifestBody({
    kind: 'witness',
    sut: mode.kind,
    driven: mode.kind === 'reference' ? null : mode.operator ? 'operator' : 'commands',
    runId: run.runId,
    // Either sandbox is a rehearsal: neither is the live service, and neither proves a supplier's identity.
    rehearsal: settings.target === 'sandbox' || settings.target === 'nhs-sandbox',
    target: { kind: settings.target, url: run.sandboxUrl ?? settings.baseUrl ?? null },
    mailboxes: {
      sut: settings.sut.mailboxId,
      peer: settings.peer.mailboxId,
      dormant: settings.dormantMailboxId ?? null,
    },
    odsCode: settings.odsCode ?? null,
    workflowId: settings.workflowId,
    certificate,
    product: { name: settings.product.name ?? null, version: settings.product.version ?? null },
    rfc: settings.product.rfc ?? null,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    cases: collectCaseResults(CATALOGUE, {
      resultsJson: reports.json,
      allureResults: reports.allureResults,
      ledger: stateFilePath(reports, STATE_FILES.ledger),
    }),
  });
}

/**
 * Who signs the manifest. On INT, DEP or a URL: the sut mailbox's own client pair, read before the run so
 * that a run whose bundle cannot be signed does not start. On a sandbox (a rehearsal): ours issued the sut
 * a pair under its throwaway CA; NHS's issues none, so a throwaway pair is made.
 */
async function signerFor(settings: Settings, reports: ReportPaths): Promise<() => Promise<BundleSigner>> {
  const id = settings.sut.mailboxId;
  const ods = settings.odsCode ?? 'X26';
  if (settings.target === 'nhs-sandbox') return () => throwawaySigner(id, ods);
  if (settings.target === 'sandbox')
    return () =>
      rehearsalSigner(
        id,
        ods,
        existsSync(sandboxSigningFiles(id, reports).keyPath) ? sandboxSigningFiles(id, reports) : undefined,
      );
  const own = await configuredSigner(settings.sut.tls);
  return async () => own;
}

export async function runAndPack(
  settings: Settings,
  request: RunRequest,
  reports: ReportPaths = REPORT_PATHS,
): Promise<RunOutcome> {
  const caseIds = selectCases(CATALOGUE, request.cases);
  if (request.baseline && !existsSync(request.baseline)) throw new Error(`no baseline bundle at ${request.baseline}`);
  // Both before any case: a bundle that could not be signed, or a workflow the mailboxes may not use, would
  // only waste the run.
  const signer = await signerFor(settings, reports);
  await assertWorkflowAssociation(settings);
  await clearOutputs(reports, [join(reports.root, 'allure-report')]);
  const run = await runWitnessPack({ reportsRoot: reports.root, output: 'inherit', ...(caseIds ? { caseIds } : {}) });
  const body = witnessBody(settings, run, reports, await sutCertificate(settings, reports));
  if (request.baseline) body.comparison = await compareWithBaseline(request.baseline, body);
  const content = await reportFiles(reports, body.rehearsal);
  const sealed = await packBundle(request.outDir, content, body, configuredSecrets(settings), await signer());
  return { ...sealed, packExitCode: run.exitCode };
}
