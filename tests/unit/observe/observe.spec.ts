/**
 * `mesh-assure observe` is the witness pack in product mode on the embedded sandbox: the demo product
 * (tests/demo-product) given as commands passes its cases into a witness bundle that names the product as
 * the system under test and verifies; options of the old session are refused, each saying why.
 */
import { expect, test } from '@playwright/test';
import { runCli } from '../cli/run-cli.ts';
import { packCliRun } from '../../support/pack-cli-run.ts';
import { caseSummary } from '../../support/product-run.ts';

// Each test is its own observe process with its own sandbox: they can share the machine's two workers.
test.describe.configure({ mode: 'parallel' });

test('observe with product commands runs the pack on the sandbox: the cases pass into a witness bundle, sut product', async () => {
  test.setTimeout(240_000);
  const run = await packCliRun(
    'observe',
    ['--cases', 'handshake,201,401', '--poll-interval', '1s', '--ack-within', '5s'],
    {
      as: 'commands',
    },
  );
  expect(run.code, run.stderr.slice(-3000)).toBe(0);
  expect(run.manifest).toMatchObject({
    kind: 'witness',
    sut: 'product',
    driven: 'commands',
    rehearsal: true,
    target: { kind: 'sandbox' },
  });
  expect(
    Object.fromEntries(run.manifest!.cases.filter((c) => c.result !== 'not-run').map((c) => [c.id, c.result])),
  ).toEqual({ handshake: 'passed', '201': 'passed', '401': 'passed' });
  expect(run.verify, run.verify?.stdout).toMatchObject({ code: 0 });
});

/**
 * The demo product's misbehaviours, through observe: each run fails exactly these cases with exactly these
 * rules in their per-case verdicts. Flags share a run where the cases they show do not meet.
 */
const MISBEHAVIOURS: { flags: string[]; expect: Record<string, [status: string, failedRules: string[]]> }[] = [
  { flags: ['accept-v1', 'no-gzip'], expect: { '201': ['failed', ['accept-v2']], '401': ['failed', ['accept-gzip']] } },
  {
    flags: ['bare-handshake', 'chunk-one-only', 'poll-often'],
    // --poll-often polls twice more after every receive cycle: every case with one fails poll-interval.
    expect: {
      handshake: ['failed', ['handshake-headers', 'poll-interval']],
      '501': ['failed', ['chunked-whole', 'poll-interval']],
    },
  },
  // 703's REPORT is never downloaded, so its receive cycles repeat: each validates four times and lists the
  // inbox with the token --reuse-token made once.
  {
    flags: ['handshake-burst', 'reuse-token', 'skip-report'],
    expect: { '703': ['failed', ['fresh-token', 'handshake-once-first', 'report-handled']] },
  },
];

for (const { flags, expect: expected } of MISBEHAVIOURS)
  test(`a product with --${flags.join(' --')} fails ${Object.keys(expected).join(', ')} on their rules, and observe exits 1`, async () => {
    test.setTimeout(360_000);
    const run = await packCliRun(
      'observe',
      ['--cases', Object.keys(expected).join(','), '--poll-interval', '1s', '--ack-within', '5s'],
      { as: 'commands', flags },
    );
    expect(caseSummary(run.outcome), run.stderr.slice(-3000)).toEqual(expected);
    expect(run.code).toBe(1);
  });

const REFUSED: [args: string[], says: RegExp][] = [
  [['--for', '30m'], /observe no longer takes --for: each case gives the product MESH_DELIVERY_TIMEOUT_S/],
  [['--tls'], /observe no longer takes --tls: the pack's sandbox always serves mutual TLS/],
  [['--port', '0'], /observe no longer takes --port: .* MESH_URL/],
  [['--paging-messages', '510'], /observe no longer takes --paging-messages: case 601/],
  [['--receive-cycles', '1', '--keep-sandbox-dir'], /--keep-sandbox-dir: [^\n]+\n.*--receive-cycles: /],
  [['--poll-interval', 'soon', '--product-receive-cmd', 'x'], /--poll-interval must be a duration such as 500ms/],
  [
    ['--operator', '--product-send-cmd', 'x'],
    /operator mode \(--operator or MESH_PRODUCT_OPERATOR=1\) asks a person to do every step, but product commands are configured \(send\): leave out the product commands/,
  ],
  // Not a terminal and no commands: nothing could drive the product.
  [[], /observe needs the product: give its commands .* or run it on a terminal \(or with --operator\)/],
];

for (const [args, says] of REFUSED)
  test(`observe ${args.join(' ') || '(nothing, not on a terminal)'} is refused, saying why`, async () => {
    const run = await runCli(['observe', ...args]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(says);
  });
