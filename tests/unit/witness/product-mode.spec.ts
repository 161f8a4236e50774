/**
 * The witness pack in product mode on the embedded sandbox: the demo product (tests/demo-product, its own
 * process on our client library) passes every case through its commands; each misbehaviour flag fails
 * exactly its cases and, in the per-case verdicts over the product's own requests, exactly its rules. Flags
 * whose cases do not meet share a run, on the cases that show them plus a control case that must pass.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { specsOf, type JsonReport } from '../../../src/pack/results.ts';
import { runWitnessPack } from '../../../src/pack/runner.ts';
import { packEnvironment } from '../../support/pack-environment.ts';

const PRODUCT = fileURLToPath(new URL('../../demo-product/product.ts', import.meta.url));

interface CaseOutcome {
  status: string;
  /** Rules the per-case verdicts failed. */
  failedRules: string[];
  /** Rules with a verdict of passed. */
  passedRules: string[];
  notDemonstrable: string | undefined;
  /** What the report says of a product command stopped at its deadline. */
  stopped: string | undefined;
}

/** Runs the pack with the demo product as the sut; `commands` leaves some out on purpose. */
async function productRun(
  flags: string[],
  cases: string[] | undefined,
  options: { commands?: string[]; env?: Record<string, string> } = {},
): Promise<{ outcome: Map<string, CaseOutcome>; output: string }> {
  const work = mkdtempSync(join(tmpdir(), 'mesh-assure-product-mode-'));
  try {
    const product = `"${process.execPath}" --import tsx "${PRODUCT}"`;
    const extra = flags.map((f) => ` --${f}`).join('');
    const state = `--state "${work}"`;
    const all: Record<string, [string, string]> = {
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
    const chosen = options.commands ?? Object.keys(all);
    const run = await runWitnessPack({
      reportsRoot: join(work, 'reports'),
      output: 'capture',
      ...(cases ? { caseIds: cases } : {}),
      env: packEnvironment({
        ...Object.fromEntries(chosen.map((c) => all[c]!)),
        MESH_LARGE_MESSAGE_MB: '3',
        MESH_PRODUCT_POLL_INTERVAL_S: '1',
        MESH_PRODUCT_ACK_WITHIN_S: '5',
        MESH_PRODUCT_COMMAND_TIMEOUT_S: '60',
        MESH_DELIVERY_TIMEOUT_S: '20',
        ...options.env,
      }),
    });
    return { outcome: outcomes(run.report), output: run.output };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function outcomes(report: JsonReport): Map<string, CaseOutcome> {
  const byCase = new Map<string, CaseOutcome>();
  for (const spec of specsOf(report)) {
    const id = spec.tags.find((t) => t.replace(/^@/, '') !== 'optional')!.replace(/^@/, '');
    const result = spec.tests[0]!.results.at(-1)!;
    const rules = result.attachments.find((a) => a.name === 'assessor rules (product)');
    const verdicts = rules?.body
      ? (
          JSON.parse(Buffer.from(rules.body, 'base64').toString('utf8')) as {
            verdicts: { rule: string; status: string }[];
          }
        ).verdicts
      : [];
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
      notDemonstrable: spec.tests[0]!.annotations.find((a) => a.type === 'not-demonstrable')?.description,
      stopped: spec.tests[0]!.annotations.find((a) => a.type === 'product command stopped')?.description,
    });
  }
  return byCase;
}

test.describe.configure({ timeout: 300_000 });

test('a well-behaved product passes every case in product mode, each rule judged on its own requests', async () => {
  const { outcome, output } = await productRun([], undefined);
  const summary = Object.fromEntries([...outcome].map(([id, o]) => [id, [o.status, o.failedRules]]));
  const expected = Object.fromEntries(
    ['handshake', '201', '202', '401', '402', '501', '502', '601', '701', '702', '703', '704', '705'].map((id) => [
      id,
      ['passed', []],
    ]),
  );
  expect(summary, output.split('\n').slice(-80).join('\n')).toEqual(expected);
  // Each case shows the rules its story is about, with the requests that prove them.
  expect(outcome.get('handshake')!.passedRules).toEqual(
    expect.arrayContaining(['handshake-once-first', 'handshake-headers']),
  );
  expect(outcome.get('201')!.passedRules).toEqual(
    expect.arrayContaining(['inbox-after-send', 'fresh-token', 'accept-v2']),
  );
  expect(outcome.get('401')!.passedRules).toEqual(
    expect.arrayContaining(['ack-after-download', 'ack-within', 'no-download-twice', 'accept-gzip']),
  );
  expect(outcome.get('501')!.passedRules).toContain('chunked-whole');
  expect(outcome.get('601')!.passedRules).toContain('paging');
  expect(outcome.get('703')!.passedRules).toContain('report-handled');
  // A rule the case gave nothing to judge is not shown, never passed: 702's product downloads nothing.
  expect(outcome.get('702')!.passedRules).not.toContain('ack-within');
  expect(outcome.get('201')!.passedRules).not.toContain('paging');
});

interface Misbehaviour {
  flags: string[];
  cases: string[];
  /** Each case's expected result and the rules its verdicts fail. */
  expect: Record<string, [status: string, failedRules: string[]]>;
  commands?: string[];
  env?: Record<string, string>;
}

const MISBEHAVIOURS: Misbehaviour[] = [
  {
    flags: ['handshake-per-call'],
    cases: ['handshake', '201', '401'],
    expect: {
      handshake: ['passed', []],
      '201': ['failed', ['handshake-once-first']],
      '401': ['failed', ['handshake-once-first']],
    },
  },
  // --quiet-id: the send command prints no message id, so the counterpart finds 201's message by its content
  // and the dormant mailbox 703's by its sender (never downloading it); 703's REPORT is downloaded twice.
  {
    flags: ['re-download', 'ignore-417', 'quiet-id'],
    cases: ['201', '401', '702', '703'],
    expect: {
      '201': ['passed', []],
      '401': ['failed', ['no-download-twice']],
      '702': ['failed', []],
      '703': ['failed', ['no-download-twice']],
    },
  },
  // No gzip send command: 202 is not demonstrable. A 403 retried until the deadline is a poll storm.
  {
    flags: ['no-ack', 'retry-403-forever'],
    cases: ['201', '202', '401', '701'],
    commands: ['send', 'receive', 'download'],
    env: { MESH_PRODUCT_COMMAND_TIMEOUT_S: '10' },
    expect: {
      '201': ['passed', []],
      '202': ['skipped', []],
      '401': ['failed', ['ack-after-download', 'ack-within']],
      '701': ['failed', ['poll-interval']],
    },
  },
  {
    flags: ['skip-paging'],
    cases: ['401', '601'],
    expect: { '401': ['passed', []], '601': ['failed', ['paging']] },
  },
];

for (const m of MISBEHAVIOURS) {
  const failing = Object.entries(m.expect)
    .filter(([, [status]]) => status === 'failed')
    .map(([id]) => id);
  test(`a product with --${m.flags.join(' --')} fails ${failing.join(', ')} and nothing else`, async () => {
    const { outcome, output } = await productRun(m.flags, m.cases, {
      ...(m.commands ? { commands: m.commands } : {}),
      ...(m.env ? { env: m.env } : {}),
    });
    const summary = Object.fromEntries([...outcome].map(([id, o]) => [id, [o.status, o.failedRules]]));
    expect(summary, output.split('\n').slice(-80).join('\n')).toEqual(m.expect);
    for (const [id, o] of outcome)
      if (o.status === 'skipped') expect(o.notDemonstrable, id).toMatch(/MESH_PRODUCT_SEND_GZIP_CMD/);
    if (m.flags.includes('retry-403-forever'))
      expect(outcome.get('701')!.stopped).toMatch(/stopped at its deadline of 10 s \(its process group was killed\)/);
  });
}
