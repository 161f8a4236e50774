/**
 * `mesh-assure run` end to end: the witness pack, the reports, the case table, the comparison with a
 * baseline bundle, and the sealed evidence bundle.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { readVariables, type Settings } from '../config/index.ts';
import { sutMode } from '../pack/product-config.ts';
import { generateAllureReports } from './allure-report.ts';
import { collectCaseResults, type CatalogueEntry } from './case-results.ts';
import { certificateFile, configuredCertificate } from './certificate.ts';
import { compareWithBaseline } from './compare-bundles.ts';
import { packBundle, type SealedBundle } from './bundle.ts';
import { configuredSecrets } from './known-secrets.ts';
import { BUNDLE_FILES } from './layout.ts';
import { manifestBody, type CertificateSummary, type ManifestBody } from './manifest.ts';
import { stripAnalytics } from './offline.ts';
import { injectRehearsalBanner } from './rehearsal-banner.ts';
import { clearOutputs, runWitnessPack, type PackRunInfo, type ReportPaths } from './witness-run.ts';

export interface PackContext {
  reports: ReportPaths;
  catalogue: readonly CatalogueEntry[];
  /** Where global setup keeps the certificate the sandbox issued to a mailbox. */
  sandboxCertificate(mailboxId: string): string;
}

export interface RunRequest {
  cases?: string[];
  baseline?: string;
  outDir: string;
}

export interface RunOutcome extends SealedBundle {
  packExitCode: number;
}

/** The case ids asked for, checked against the catalogue. */
export function selectCases(catalogue: readonly CatalogueEntry[], asked: readonly string[] | undefined): string[] | undefined {
  if (!asked) return undefined;
  const known = new Set(catalogue.map((c) => c.id));
  const unknown = asked.filter((id) => !known.has(id));
  if (unknown.length > 0) throw new Error(`unknown case ${unknown.join(', ')}: the cases are ${[...known].join(', ')}`);
  return [...asked];
}

async function filesUnder(dir: string, bundleDir: string): Promise<[string, Uint8Array][]> {
  const names = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = names.filter((d) => d.isFile()).map((d) => join(d.parentPath, d.name));
  return Promise.all(files.map(async (file) => [`${bundleDir}/${relative(dir, file).split('\\').join('/')}`, await readFile(file)] as [string, Uint8Array]));
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
  const exchanges = join(reports.state, 'exchanges.jsonl');
  files.set(BUNDLE_FILES.exchanges, existsSync(exchanges) ? await readFile(exchanges) : new Uint8Array());
  for (const [path, data] of files) {
    if (!path.endsWith('.html')) continue;
    const page = stripAnalytics(Buffer.from(data).toString('utf8'));
    files.set(path, Buffer.from(rehearsal ? injectRehearsalBanner(page) : page, 'utf8'));
  }
  return files;
}

async function sutCertificate(settings: Settings, context: PackContext): Promise<CertificateSummary | null> {
  if (settings.target !== 'sandbox') return configuredCertificate(settings.sut.tls);
  const copy = context.sandboxCertificate(settings.sut.mailboxId);
  return existsSync(copy) ? certificateFile(copy) : null;
}

function witnessBody(settings: Settings, run: PackRunInfo, context: PackContext, certificate: CertificateSummary | null): ManifestBody {
  const { reports } = context;
  const mode = sutMode(readVariables());
  return manifestBody({
    kind: 'witness',
    sut: mode.kind,
    runId: run.runId,
    rehearsal: settings.target === 'sandbox',
    target: { kind: settings.target, url: run.sandboxUrl ?? settings.baseUrl ?? null },
    mailboxes: { sut: settings.sut.mailboxId, peer: settings.peer.mailboxId, dormant: settings.dormantMailboxId ?? null },
    odsCode: settings.odsCode ?? null,
    workflowId: settings.workflowId,
    certificate,
    product: { name: settings.product.name ?? null, version: settings.product.version ?? null },
    rfc: settings.product.rfc ?? null,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    cases: collectCaseResults(context.catalogue, { resultsJson: reports.json, allureResults: reports.allureResults, ledger: join(reports.state, 'ledger.jsonl') }),
  });
}

export async function runAndPack(settings: Settings, request: RunRequest, context: PackContext): Promise<RunOutcome> {
  const caseIds = selectCases(context.catalogue, request.cases);
  if (request.baseline && !existsSync(request.baseline)) throw new Error(`no baseline bundle at ${request.baseline}`);
  await clearOutputs(context.reports, [join(context.reports.root, 'allure-report')]);
  const run = await runWitnessPack(context.reports, caseIds);
  const body = witnessBody(settings, run, context, await sutCertificate(settings, context));
  if (request.baseline) body.comparison = await compareWithBaseline(request.baseline, body);
  const content = await reportFiles(context.reports, body.rehearsal);
  const sealed = await packBundle(request.outDir, content, body, configuredSecrets(settings));
  return { ...sealed, packExitCode: run.exitCode };
}
