/**
 * One row per catalogue case from what the run left behind: Playwright's JSON report (result, duration,
 * annotations), the Allure results (the message ids each case recorded as parameters) and the run ledger
 * (every message the run created, by case). A case skipped as pending or not demonstrable is shown as such,
 * never as passed; a catalogue case the run did not select is `not-run`.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { readJsonReport, specsOf, type JsonSpec, type JsonTest } from '../pack/results.ts';

export type CaseOutcome = 'passed' | 'failed' | 'pending' | 'not-demonstrable' | 'skipped' | 'not-run';

export interface CatalogueEntry {
  id: string;
  /** As the reports show it, e.g. `201 Send an uncompressed message`. */
  title: string;
  set: string;
  optional: boolean;
}

export interface CaseResult extends CatalogueEntry {
  result: CaseOutcome;
  messageIds: string[];
  durationMs: number | null;
  /** Pending and not-demonstrable reasons, how the target showed the case, and the first error line. */
  notes: string[];
  /** Playwright's test id, for a link into its HTML report. */
  playwrightTestId: string | null;
  /** The case's test result id in the Allure 3 report, for a link straight to it; absent in older bundles. */
  allureTestResultId?: string | null;
  /**
   * Product mode, where the product's requests were seen: the entries of reports/journal.jsonl (by index)
   * that prove the case's verdicts; absent in reference mode and in older bundles.
   */
  journalRequests?: number[];
}

/** The attachment of a product-mode case that holds its verdicts over the product's requests. */
export const PRODUCT_RULES_ATTACHMENT = 'assessor rules (product)';

interface AllureResult {
  uuid: string;
  stop?: number;
  labels: { name: string; value: string }[];
  parameters: { name: string; value: string }[];
}

function witnessTests(reportPath: string): Map<string, { spec: JsonSpec; test: JsonTest }> {
  const byCase = new Map<string, { spec: JsonSpec; test: JsonTest }>();
  for (const spec of specsOf(readJsonReport(reportPath))) {
    const test = spec.tests.find((t) => t.projectName === 'witness');
    const tag = spec.tags.find((t) => t !== '@optional');
    if (test && tag) byCase.set(tag.replace(/^@/, ''), { spec, test });
  }
  return byCase;
}

/** The latest Allure result of each case: the message ids it recorded as parameters, and its id in the report. */
function allureResults(
  resultsDir: string,
  caseIds: ReadonlySet<string>,
): Map<string, { messageIds: string[]; testResultId: string }> {
  const latest = new Map<string, AllureResult>();
  const files = existsSync(resultsDir) ? readdirSync(resultsDir).filter((f) => f.endsWith('-result.json')) : [];
  for (const file of files) {
    const result = JSON.parse(readFileSync(join(resultsDir, file), 'utf8')) as AllureResult;
    const id = result.labels.find((l) => l.name === 'tag' && caseIds.has(l.value))?.value;
    if (id && (result.stop ?? 0) >= (latest.get(id)?.stop ?? 0)) latest.set(id, result);
  }
  // Allure 3 names a result in its report (and its #/<id> route) by the MD5 of the result's uuid.
  const reportId = (r: AllureResult) => createHash('md5').update(r.uuid).digest('hex');
  return new Map(
    [...latest].map(([id, r]) => [
      id,
      { messageIds: r.parameters.filter((p) => / id$/.test(p.name)).map((p) => p.value), testResultId: reportId(r) },
    ]),
  );
}

function ledgerMessageIds(ledgerPath: string): Map<string, string[]> {
  const byCase = new Map<string, string[]>();
  if (!existsSync(ledgerPath)) return byCase;
  for (const line of readFileSync(ledgerPath, 'utf8').split('\n').filter(Boolean)) {
    const { messageId, caseId } = JSON.parse(line) as { messageId: string; caseId: string };
    byCase.set(caseId, [...(byCase.get(caseId) ?? []), messageId]);
  }
  return byCase;
}

/** The journal entries the last result's product verdicts name, in journal order; undefined where no journal was judged. */
function journalRequests(test: JsonTest): number[] | undefined {
  const attached = test.results.at(-1)?.attachments.find((a) => a.name === PRODUCT_RULES_ATTACHMENT);
  if (!attached?.body) return undefined;
  const rules = JSON.parse(Buffer.from(attached.body, 'base64').toString('utf8')) as {
    journal?: string;
    verdicts: { journalIndex?: number[] }[];
  };
  if (!rules.journal) return undefined;
  return [...new Set(rules.verdicts.flatMap((v) => v.journalIndex ?? []))].sort((a, b) => a - b);
}

function outcome(test: JsonTest): { result: CaseOutcome; durationMs: number; notes: string[] } {
  const last = test.results.at(-1);
  const annotations = [...test.annotations, ...(last?.annotations ?? [])];
  const noted = (type: string) =>
    annotations.filter((a) => a.type === type).map((a) => `${type}: ${a.description ?? ''}`);
  const notes = [...new Set([...noted('pending'), ...noted('not-demonstrable'), ...noted('how')])];
  const firstError = last?.errors[0]?.message?.split('\n')[0];
  if (firstError) notes.push(`error: ${stripVTControlCharacters(firstError)}`);
  const status = last?.status ?? 'skipped';
  const has = (type: string) => annotations.some((a) => a.type === type);
  const result: CaseOutcome =
    status === 'passed'
      ? 'passed'
      : status !== 'skipped'
        ? 'failed'
        : has('pending')
          ? 'pending'
          : has('not-demonstrable')
            ? 'not-demonstrable'
            : 'skipped';
  return { result, durationMs: Math.round(last?.duration ?? 0), notes };
}

/** A rule judged from a journal (observe). */
export interface JudgedRule {
  id: string;
  title: string;
  passed: boolean;
  /** The requests held nothing this rule could judge: shown as not demonstrable, never as passed. */
  notShown?: true;
  /** What broke the rule, each naming its request. */
  findings: string[];
  /** The requests that prove the verdict (`#index METHOD path status`), in journal order. */
  requests: string[];
  /** The messages those requests handled, to find in the server's logs. */
  messageIds: string[];
}

/** A case with no Playwright test behind it: findings first, so that the landing page shows them before the proof. */
export function judgedCase(rule: JudgedRule): CaseResult {
  return {
    id: rule.id,
    title: rule.title,
    set: 'observe',
    optional: false,
    result: rule.notShown ? 'not-demonstrable' : rule.passed ? 'passed' : 'failed',
    messageIds: rule.messageIds,
    durationMs: null,
    notes: [
      ...(rule.notShown ? ['not shown: the requests held nothing this rule could judge'] : []),
      ...rule.findings.map((f) => `violation: ${f}`),
      ...rule.requests.map((r) => `request: ${r}`),
    ],
    playwrightTestId: null,
    allureTestResultId: null,
  };
}

export interface RunOutputs {
  /** Playwright's JSON report. */
  resultsJson: string;
  allureResults: string;
  /** The run ledger, reports/state/ledger.jsonl. */
  ledger: string;
}

export function collectCaseResults(catalogue: readonly CatalogueEntry[], outputs: RunOutputs): CaseResult[] {
  const tests = witnessTests(outputs.resultsJson);
  const fromAllure = allureResults(outputs.allureResults, new Set(catalogue.map((c) => c.id)));
  const fromLedger = ledgerMessageIds(outputs.ledger);
  return catalogue.map((entry) => {
    const found = tests.get(entry.id);
    if (!found)
      return {
        ...entry,
        result: 'not-run',
        messageIds: [],
        durationMs: null,
        notes: [],
        playwrightTestId: null,
        allureTestResultId: null,
      };
    const allure = fromAllure.get(entry.id);
    const messageIds = [...new Set([...(allure?.messageIds ?? []), ...(fromLedger.get(entry.id) ?? [])])];
    const proving = journalRequests(found.test);
    return {
      ...entry,
      ...outcome(found.test),
      messageIds,
      playwrightTestId: found.spec.id,
      allureTestResultId: allure?.testResultId ?? null,
      ...(proving ? { journalRequests: proving } : {}),
    };
  });
}
