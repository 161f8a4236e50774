/**
 * mesh-assure observe, unattended: a well-behaved product (tests/unit/observe/product.ts, on our client)
 * passes every rule; each misbehaviour fails exactly its rules, and the verdict names the requests.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import type { ObserveResult } from '../../../src/observe/index.ts';
import { runCli } from '../cli/run-cli.ts';

const PRODUCT = fileURLToPath(new URL('./product.ts', import.meta.url));

/** Runs observe against the product with `flags`; short windows keep each run to seconds. */
async function observeProduct(flags: string[], forSeconds: number): Promise<{ code: number; stdout: string; result: ObserveResult }> {
  const dir = await mkdtemp(join(tmpdir(), 'observe-'));
  const product = `"${process.execPath}" --import tsx "${PRODUCT}"`;
  const misbehaviour = flags.map((f) => ` --${f}`).join('');
  const run = await runCli(
    [
      'observe', '--port', '0', '--out', join(dir, 'out'), '--for', `${forSeconds}s`, '--poll-interval', '1s', '--ack-within', '5s', '--paging-messages', '501',
      '--product-send-cmd', `${product} send --state "${dir}" --to {to} --workflow {workflow} --file {file}${misbehaviour}`,
      '--product-receive-cmd', `${product} receive --state "${dir}"${misbehaviour}`,
    ],
    {},
    fileURLToPath(new URL('../../..', import.meta.url)),
  );
  const result = JSON.parse(await readFile(join(dir, 'out', 'observe.json'), 'utf8')) as ObserveResult;
  return { code: run.code, stdout: run.stdout, result };
}

const failed = (result: ObserveResult) => result.cases.filter((c) => !c.passed).map((c) => c.id).sort();
const findingsOf = (result: ObserveResult, id: string) => result.cases.find((c) => c.id === id)!.findings;

test.describe.configure({ mode: 'parallel' });

test('a well-behaved product passes every rule, each verdict with the requests that prove it', async () => {
  const { code, stdout, result } = await observeProduct([], 30);
  expect(failed(result)).toEqual([]);
  expect(code).toBe(0);
  expect(result.rehearsal).toBe(true);
  expect(result.openSteps).toEqual([]);
  expect(result.cases.map((c) => c.id)).toEqual([
    'handshake-once-first', 'handshake-headers', 'fresh-token', 'accept-v2', 'inbox-after-send', 'ack-within',
    'no-download-twice', 'paging', 'accept-gzip', 'chunked-whole', 'report-handled', 'poll-interval', 'sent-message',
  ]);
  for (const c of result.cases) expect(c.requests.length, c.id).toBeGreaterThan(0);
  expect(result.cases.find((c) => c.id === 'paging')!.requests.join('\n')).toMatch(/inbox\?.*continue_from=/);
  expect(stdout).toContain('MESH_MAILBOX_ID=X26ABC1');
  expect(stdout).toContain('✓ non-delivery REPORT downloaded and acknowledged');
  expect(stdout).toContain('Every rule passed.');
});

const MISBEHAVIOURS: { flag: string; fails: string[]; names: RegExp; forSeconds: number }[] = [
  { flag: 'reuse-token', fails: ['fresh-token'], names: /#\d+ GET \/messageexchange\/X26ABC1\/inbox\?.*continue_from=.* 200 reused the token .* of #\d+/, forSeconds: 30 },
  { flag: 'handshake-burst', fails: ['handshake-once-first'], names: /X26ABC1 validated again \(handshake number 2/, forSeconds: 30 },
  { flag: 'download-twice', fails: ['no-download-twice'], names: /X26ABC1 downloaded \w+ 2 times before acknowledging it/, forSeconds: 30 },
  { flag: 'ignore-paging', fails: ['paging'], names: /after the full page of #\d+ GET \/messageexchange\/X26ABC1\/inbox 200 the product paused \d+ ms before its next poll #\d+/, forSeconds: 30 },
  { flag: 'skip-report', fails: ['report-handled'], names: /the REPORT \w+ was never downloaded/, forSeconds: 8 },
  // Unacknowledged messages stay in the inbox, so the next cycle downloads them again, the REPORT included.
  { flag: 'never-ack', fails: ['ack-within', 'no-download-twice', 'report-handled'], names: /#\d+ GET \/messageexchange\/X26ABC1\/inbox\/\w+ 200: \w+ never acknowledged/, forSeconds: 10 },
];

for (const { flag, fails, names, forSeconds } of MISBEHAVIOURS) {
  test(`a product with --${flag} fails ${fails.join(', ')}, and the verdict names the requests`, async () => {
    const { code, result } = await observeProduct([flag], forSeconds);
    expect(failed(result)).toEqual([...fails].sort());
    expect(code).toBe(1);
    expect(findingsOf(result, fails[0]!).join('\n')).toMatch(names);
  });
}
