/**
 * mesh-assure observe, unattended: a well-behaved product (tests/demo-product/product.ts, on our client)
 * passes every rule; each misbehaviour fails exactly its rules, and the verdict names the requests. Every
 * run ends in an evidence bundle that verifies, and leaves no working folder behind unless asked to.
 * Misbehaviours whose rules are independent share a run: the union of their rules fails, nothing else.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import type { Manifest } from '../../../src/evidence/index.ts';
import { readZip } from '../../../src/evidence/zip.ts';
import type { ObserveResult } from '../../../src/observe/index.ts';
import { runCli } from '../cli/run-cli.ts';

const PRODUCT = fileURLToPath(new URL('../../demo-product/product.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

interface Observed {
  code: number;
  stdout: string;
  result: ObserveResult;
  manifest: Manifest;
  zipPath: string;
  /** The TMPDIR observe ran with: where its working folder was. */
  tmp: string;
}

/**
 * Runs observe against the product with `flags`. The window is generous: a session ends when the product
 * has done every step (or after its --receive-cycles), an event, not when a guessed window closes.
 */
async function observeProduct(flags: string[], forSeconds: number, extra: string[] = []): Promise<Observed> {
  const dir = await mkdtemp(join(tmpdir(), 'observe-'));
  const tmp = join(dir, 'tmp');
  await mkdir(tmp);
  const product = `"${process.execPath}" --import tsx "${PRODUCT}"`;
  const misbehaviour = flags.map((f) => ` --${f}`).join('');
  const run = await runCli(
    [
      'observe',
      '--port',
      '0',
      '--out',
      join(dir, 'evidence'),
      '--for',
      `${forSeconds}s`,
      '--poll-interval',
      '1s',
      '--ack-within',
      '5s',
      '--paging-messages',
      '501',
      ...extra,
      '--product-send-cmd',
      `${product} send --state "${dir}" --to {to} --workflow {workflow} --file {file}${misbehaviour}`,
      '--product-receive-cmd',
      `${product} receive --state "${dir}"${misbehaviour}`,
    ],
    { TMPDIR: tmp },
    ROOT,
  );
  const zipPath = /^bundle (.+\.zip)$/m.exec(run.stdout)?.[1];
  expect(zipPath, run.stdout + run.stderr).toBeDefined();
  const entries = new Map((await readZip(zipPath!)).map((e) => [e.name, e.data!]));
  const json = <T>(name: string) => JSON.parse(Buffer.from(entries.get(name)!).toString('utf8')) as T;
  return {
    code: run.code,
    stdout: run.stdout,
    result: json<ObserveResult>('reports/observe.json'),
    manifest: json<Manifest>('manifest.json'),
    zipPath: zipPath!,
    tmp,
  };
}

const failed = (result: ObserveResult) =>
  result.cases
    .filter((c) => !c.passed)
    .map((c) => c.id)
    .sort();
const findingsOf = (result: ObserveResult, id: string) => result.cases.find((c) => c.id === id)!.findings;

test.describe.configure({ mode: 'parallel' });

test('a well-behaved product passes every rule, each verdict with the requests that prove it, in a bundle that verifies', async () => {
  const { code, stdout, result, manifest, zipPath, tmp } = await observeProduct([], 600);
  expect(failed(result)).toEqual([]);
  expect(code).toBe(0);
  expect(result.rehearsal).toBe(true);
  expect(result.openSteps).toEqual([]);
  expect(result.cases.map((c) => c.id)).toEqual([
    'handshake-once-first',
    'handshake-headers',
    'fresh-token',
    'accept-v2',
    'inbox-after-send',
    'ack-after-download',
    'ack-within',
    'no-download-twice',
    'paging',
    'accept-gzip',
    'chunked-whole',
    'report-handled',
    'poll-interval',
    'sent-message',
  ]);
  for (const c of result.cases) expect(c.requests.length, c.id).toBeGreaterThan(0);
  expect(result.cases.find((c) => c.id === 'paging')!.requests.join('\n')).toMatch(/inbox\?.*continue_from=/);
  expect(stdout).toContain('MESH_MAILBOX_ID=X26ABC1');
  expect(stdout).toContain('✓ non-delivery REPORT downloaded and acknowledged');
  expect(stdout).toContain('Every rule passed.');

  expect(zipPath).toMatch(/\/evidence\/mesh-evidence-X26ABC1-observe-\d{8}T\d{6}Z\.zip$/);
  expect(existsSync(`${zipPath}.sha256`)).toBe(true);
  expect(manifest).toMatchObject({
    kind: 'observe',
    rehearsal: true,
    target: { kind: 'sandbox' },
    mailboxes: { sut: 'X26ABC1', peer: 'X26ABC2' },
    odsCode: 'X26',
  });
  expect(manifest.summary).toMatchObject({ passed: 14, failed: 0, total: 14 });
  expect(manifest.cases.map((c) => c.id)).toEqual(result.cases.map((c) => c.id));
  for (const c of manifest.cases)
    expect([c.set, c.result, c.playwrightTestId, c.notes.some((n) => n.startsWith('request: #'))], c.id).toEqual([
      'observe',
      'passed',
      null,
      c.id !== 'sent-message',
    ]);
  expect(manifest.cases.find((c) => c.id === 'chunked-whole')!.messageIds).toHaveLength(1);
  expect(manifest.files.map((f) => f.path)).toEqual([
    'index.html',
    'reports/observe.json',
    'reports/product-journal.json',
  ]);

  const verify = await runCli(['verify', zipPath]);
  expect(verify.code, verify.stdout).toBe(0);
  expect(verify.stdout).toMatch(/^OK .* and the zip matches its \.sha256/);
  expect(
    (await readdir(tmp)).filter((name) => name.startsWith('mesh-observe-')),
    'the working folder is removed',
  ).toEqual([]);
});

interface Misbehaviour {
  flags: string[];
  /** Each rule the run must fail (and no other), with what its findings must say. */
  fails: Record<string, RegExp>;
  forSeconds: number;
  /** Also runs with --keep-sandbox-dir, and checks the folder is kept and named. */
  keepSandboxDir?: true;
  extra?: string[];
}

const REQUEST = (method: string, path: string, status = '\\d{3}') =>
  `#\\d+ ${method} /messageexchange/X26ABC1${path} ${status}`;

const MISBEHAVIOURS: Misbehaviour[] = [
  {
    flags: ['reuse-token', 'handshake-burst'],
    fails: {
      'fresh-token': /#\d+ GET \/messageexchange\/X26ABC1\/inbox\?.*continue_from=.* 200 reused the token .* of #\d+/,
      'handshake-once-first': /X26ABC1 validated again \(handshake number 2/,
    },
    forSeconds: 600,
  },
  {
    flags: ['re-download', 'skip-paging'],
    fails: {
      'no-download-twice': /X26ABC1 downloaded \w+ 2 times before acknowledging it/,
      paging:
        /after the full page of #\d+ GET \/messageexchange\/X26ABC1\/inbox 200 the product paused \d+ ms before its next poll #\d+/,
    },
    forSeconds: 600,
  },
  // A session that can never complete ends after its receive cycle (an event), not after a guessed window.
  {
    flags: ['skip-report'],
    fails: { 'report-handled': /the REPORT \w+ was never downloaded/ },
    forSeconds: 600,
    extra: ['--receive-cycles', '1'],
    keepSandboxDir: true,
  },
  // Unacknowledged messages stay in the inbox, so the next cycle downloads them again, the REPORT included:
  // the session ends after that second cycle (an event), however long the first one took on a loaded machine.
  {
    flags: ['no-ack'],
    fails: {
      'ack-within': /#\d+ GET \/messageexchange\/X26ABC1\/inbox\/\w+ 200: \w+ never acknowledged/,
      'no-download-twice': /downloaded \w+ 2 times/,
      'report-handled': /downloaded but never acknowledged/,
      'ack-after-download': /downloaded \w+ and then did/,
    },
    forSeconds: 600,
    extra: ['--receive-cycles', '2'],
  },
  {
    flags: ['poll-often', 'accept-v1', 'no-gzip'],
    fails: {
      'poll-interval': new RegExp(
        `${REQUEST('GET', '/inbox\\S*', '200')} polled \\d+ ms after ${REQUEST('GET', '/inbox\\S*', '200')} with nothing downloaded between \\(interval 1000 ms\\)`,
      ),
      'accept-v2': new RegExp(
        `${REQUEST('GET', '/outbox/tracking\\?messageID=\\w+')} sent Accept: application/vnd\\.mesh\\.v1\\+json`,
      ),
      'accept-gzip': new RegExp(`${REQUEST('GET', '/inbox/\\w+', '200')} sent Accept-Encoding: \\(none\\)`),
    },
    forSeconds: 600,
  },
  // The sandbox answers 400 to the bare handshake, so the product's mailbox is never shown validated and
  // the session would run its whole window: it ends after one receive cycle; the rule is judged from the journal all the same.
  {
    flags: ['bare-handshake', 'chunk-one-only'],
    fails: {
      'handshake-headers': new RegExp(
        `handshake ${REQUEST('POST', '', '400')} lacks mex-clientversion, mex-osname, mex-osversion`,
      ),
      'chunked-whole': new RegExp(
        `\\w+: chunks 2, 3 of 3 never fetched before its acknowledgement ${REQUEST('PUT', '/inbox/\\w+/status/acknowledged', '200')}`,
      ),
    },
    forSeconds: 600,
    extra: ['--receive-cycles', '1'],
  },
];

for (const { flags, fails, forSeconds, keepSandboxDir, extra = [] } of MISBEHAVIOURS) {
  const rules = Object.keys(fails).sort();
  test(`a product with --${flags.join(' --')} fails ${rules.join(', ')}, and the verdicts name the requests`, async () => {
    const { code, stdout, result, manifest, tmp } = await observeProduct(flags, forSeconds, [
      ...extra,
      ...(keepSandboxDir ? ['--keep-sandbox-dir'] : []),
    ]);
    expect(failed(result)).toEqual(rules);
    expect(code).toBe(1);
    for (const [rule, names] of Object.entries(fails)) expect(findingsOf(result, rule).join('\n'), rule).toMatch(names);
    expect(
      manifest.cases
        .filter((c) => c.result === 'failed')
        .map((c) => c.id)
        .sort(),
    ).toEqual(rules);
    for (const rule of rules) expect(manifest.cases.find((c) => c.id === rule)!.notes[0], rule).toMatch(/^violation: /);
    if (!keepSandboxDir) return;
    const kept = /^The sandbox's files are kept in (.+)$/m.exec(stdout)?.[1];
    expect(kept?.startsWith(tmp), stdout).toBe(true);
    expect(existsSync(join(kept!, 'sandbox', 'journal.jsonl'))).toBe(true);
  });
}
