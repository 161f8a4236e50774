/**
 * A witness pack run in product mode with the demo product (tests/demo-product, its own process on our
 * client library) as the sut, and each case's outcome as the report gives it: status, the rules its
 * per-case verdicts passed and failed, and which journal they were judged from.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from '@playwright/test';
import { PRODUCT_RULES_ATTACHMENT } from '../../src/evidence/case-results.ts';
import { specsOf, type JsonReport } from '../../src/pack/results.ts';
import { runWitnessPack } from '../../src/pack/runner.ts';
import { packEnvironment } from './pack-environment.ts';

const PRODUCT = fileURLToPath(new URL('../demo-product/product.ts', import.meta.url));

export interface CaseOutcome {
  status: string;
  /** Rules the per-case verdicts failed. */
  failedRules: string[];
  /** Rules with a verdict of passed. */
  passedRules: string[];
  /** Where the verdicts were judged from, as the report says. */
  judgedFrom: string | undefined;
  notDemonstrable: string | undefined;
  /** Why the case waits for a later run, with its due date (a two-phase case). */
  pending: string | undefined;
  /** What the report says of a product command stopped at its deadline. */
  stopped: string | undefined;
  /** The messages of the errors that failed the case. */
  errors: string[];
}

/** Each case's status and the rules its verdicts failed, by case id. */
export const caseSummary = (outcome: Map<string, CaseOutcome>): Record<string, [string, string[]]> =>
  Object.fromEntries([...outcome].map(([id, o]) => [id, [o.status, o.failedRules]]));

/** The rules a well-behaved product passes in the cases whose story they are, with the requests that prove them. */
export const STORY_RULES: Record<string, string[]> = {
  handshake: ['handshake-once-first', 'handshake-headers'],
  '201': ['inbox-after-send', 'fresh-token', 'accept-v2'],
  '401': ['ack-after-download', 'ack-within', 'no-download-twice', 'accept-gzip'],
};

/**
 * Every case of the run passed through the recording relay, its rules judged from the relay's journal, but
 * those in `waiting`: skipped (pending for a later run, or not demonstrable on this target) for the reason
 * given.
 */
export function expectEveryCaseThroughRelay(
  outcome: Map<string, CaseOutcome>,
  output: string,
  waiting: Record<string, RegExp>,
): void {
  expect(caseSummary(outcome), output.split('\n').slice(-80).join('\n')).toEqual(
    Object.fromEntries([...outcome.keys()].map((id) => [id, [id in waiting ? 'skipped' : 'passed', []]])),
  );
  for (const [id, o] of outcome)
    if (o.status === 'passed') expect(o.judgedFrom, id).toMatch(/^the recording relay's journal \(in front of https:/);
  for (const [id, why] of Object.entries(waiting))
    expect(outcome.get(id)!.pending ?? outcome.get(id)!.notDemonstrable, id).toMatch(why);
  for (const [id, rules] of Object.entries(STORY_RULES))
    if (outcome.has(id)) expect(outcome.get(id)!.passedRules, id).toEqual(expect.arrayContaining(rules));
}

/** The demo product's commands as settings (MESH_PRODUCT_*_CMD), keeping its state in `work`; `flags` are its misbehaviours. */
export function demoProductCommands(work: string, flags: string[] = []): Record<ProductCommandName, [string, string]> {
  const product = `"${process.execPath}" --import tsx "${PRODUCT}"`;
  const extra = flags.map((f) => ` --${f}`).join('');
  const state = `--state "${work}"`;
  return {
    send: [
      'MESH_PRODUCT_SEND_CMD',
      `${product} send ${state} --to {to} --workflow {workflow} --file {file} --subject {subject} --local-id {local_id} --chunk-bytes 1000000${extra}`,
    ],
    sendGzip: [
      'MESH_PRODUCT_SEND_GZIP_CMD',
      `${product} send --gzip ${state} --to {to} --workflow {workflow} --file {file}${extra}`,
    ],
    receive: ['MESH_PRODUCT_RECEIVE_CMD', `${product} receive ${state} --dir {dir}${extra}`],
    download: ['MESH_PRODUCT_DOWNLOAD_CMD', `${product} download ${state} --id {id} --dir {dir}${extra}`],
  };
}

type ProductCommandName = 'send' | 'sendGzip' | 'receive' | 'download';

/**
 * A misbehaving demo product never finishes some of its cases, and the pack waits out its delivery deadline
 * on each: shorter than a well-behaved run's 20 s (slack for a loaded machine), as nothing is going to arrive.
 */
export const MISBEHAVING_DELIVERY_TIMEOUT_S = '10';

/** Settings that keep a product-mode run short: a small large message, quick polls and deadlines. */
export const QUICK_PRODUCT_SETTINGS: Record<string, string> = {
  MESH_LARGE_MESSAGE_MB: '3',
  MESH_PRODUCT_POLL_INTERVAL_S: '1',
  MESH_PRODUCT_ACK_WITHIN_S: '5',
  MESH_PRODUCT_COMMAND_TIMEOUT_S: '60',
  MESH_DELIVERY_TIMEOUT_S: '20',
};

/**
 * Runs the pack with the demo product as the sut; `commands` leaves some out on purpose; `env` adds or
 * overrides settings (a URL target); `work` keeps the reports, the pack's state and the product's state in a
 * folder the caller owns, so that a later run continues from them (703's two phases).
 */
export async function productRun(
  flags: string[],
  cases: string[] | undefined,
  options: { commands?: string[]; env?: Record<string, string>; work?: string } = {},
): Promise<{ outcome: Map<string, CaseOutcome>; output: string }> {
  const work = options.work ?? mkdtempSync(join(tmpdir(), 'mesh-assure-product-mode-'));
  try {
    const all = demoProductCommands(work, flags);
    const chosen = (options.commands ?? Object.keys(all)) as ProductCommandName[];
    const run = await runWitnessPack({
      reportsRoot: join(work, 'reports'),
      output: 'capture',
      ...(cases ? { caseIds: cases } : {}),
      env: packEnvironment({
        ...Object.fromEntries(chosen.map((c) => all[c])),
        ...QUICK_PRODUCT_SETTINGS,
        ...(flags.length > 0 ? { MESH_DELIVERY_TIMEOUT_S: MISBEHAVING_DELIVERY_TIMEOUT_S } : {}),
        ...options.env,
      }),
    });
    return { outcome: outcomes(run.report), output: run.output };
  } finally {
    if (!options.work) rmSync(work, { recursive: true, force: true });
  }
}

/** Each case's outcome from Playwright's JSON report (a pack run's, or a bundle's reports/results.json). */
export function outcomes(report: JsonReport): Map<string, CaseOutcome> {
  const byCase = new Map<string, CaseOutcome>();
  for (const spec of specsOf(report)) {
    const id = spec.tags.find((t) => t.replace(/^@/, '') !== 'optional')!.replace(/^@/, '');
    const result = spec.tests[0]!.results.at(-1)!;
    const rules = result.attachments.find((a) => a.name === PRODUCT_RULES_ATTACHMENT);
    const attached = rules?.body
      ? (JSON.parse(Buffer.from(rules.body, 'base64').toString('utf8')) as {
          judgedFrom: string;
          verdicts: { rule: string; status: string }[];
        })
      : undefined;
    const verdicts = attached?.verdicts ?? [];
    byCase.set(id, {
      status: result.status,
      failedRules: verdicts
        .filter((v) => v.status === 'failed')
        .map((v) => v.rule)
        .sort(),
      passedRules: verdicts
        .filter((v) => v.status === 'passed')
        .map((v) => v.rule)
        .sort(),
      judgedFrom: attached?.judgedFrom,
      notDemonstrable: spec.tests[0]!.annotations.find((a) => a.type === 'not-demonstrable')?.description,
      pending: spec.tests[0]!.annotations.find((a) => a.type === 'pending')?.description,
      stopped: spec.tests[0]!.annotations.find((a) => a.type === 'product command stopped')?.description,
      errors: result.errors.map((e) => e.message ?? ''),
    });
  }
  return byCase;
}
