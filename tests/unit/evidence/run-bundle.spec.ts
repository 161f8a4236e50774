/**
 * `mesh-assure run` end to end on the embedded sandbox (three cases to keep it short), then what is done
 * with its bundle: verify it, alter one byte of each kind of file and see it named, compare it with a
 * baseline, and open its pages from file:// in headless Chromium without a single network request.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { Browser, Page } from 'playwright-core';
import type { Manifest } from '../../../src/evidence/manifest.ts';
import { verifyBundle } from '../../../src/evidence/verify.ts';
import { readZip, writeReproducibleZip } from '../../../src/evidence/zip.ts';
import { sealBundle } from '../../../src/evidence/bundle.ts';
import { runCli } from '../cli/run-cli.ts';
import { launchChromium } from './browser.ts';
import { sampleSigner, tamperAndRehash } from './samples.ts';

test.describe.configure({ mode: 'serial', timeout: 180_000 });

const CASES = ['handshake', '201', '704'];
let zipPath = '';
let manifest: Manifest;
let unpacked = '';

test.beforeAll(async () => {
  const reports = await mkdtemp(join(tmpdir(), 'mesh-run-'));
  const result = await runCli(['run', '--cases', CASES.join(','), '--rfc', 'RFC-TEST-1', '--json'], {
    MESH_ASSURE_REPORTS: reports,
  });
  expect(result.code, result.stderr.slice(-2000)).toBe(0);
  const out = JSON.parse(result.stdout) as { bundle: string };
  zipPath = out.bundle;
  const entries = await readZip(zipPath);
  unpacked = join(reports, 'unpacked');
  for (const entry of entries) {
    await mkdir(dirname(join(unpacked, entry.name)), { recursive: true });
    await writeFile(join(unpacked, entry.name), entry.data!);
  }
  manifest = JSON.parse(await readFile(join(unpacked, 'manifest.json'), 'utf8')) as Manifest;
});

test('run names the bundle, records the run, and shows every case with its result', async () => {
  expect(zipPath).toMatch(/\/evidence\/mesh-evidence-X26ABC1-sandbox-\d{8}T\d{6}Z\.zip$/);
  expect(existsSync(`${zipPath}.sha256`)).toBe(true);
  expect(manifest.rehearsal).toBe(true);
  expect(manifest.kind).toBe('witness');
  expect(manifest.rfc).toBe('RFC-TEST-1');
  expect(manifest.certificate?.subject).toBe('CN=X26ABC1.X26.api.mesh-client.nhs.uk');
  expect(manifest.cases.filter((c) => CASES.includes(c.id)).map((c) => c.result)).toEqual([
    'passed',
    'passed',
    'passed',
  ]);
  expect(manifest.cases.filter((c) => !CASES.includes(c.id)).every((c) => c.result === 'not-run')).toBe(true);
  expect(manifest.cases.find((c) => c.id === '201')!.messageIds).toHaveLength(1);
  expect((await verifyBundle(zipPath)).ok).toBe(true);
});

test('verify names the file when one byte of any kind of file is altered', async () => {
  const entries = new Map((await readZip(zipPath)).map((e) => [e.name, Buffer.from(e.data!)]));
  const kinds = [
    'index.html',
    'manifest.json',
    'MANIFEST.sha256',
    'reports/allure/index.html',
    'reports/allure2/index.html',
    'reports/playwright/index.html',
    'reports/junit.xml',
    'reports/results.json',
    'reports/exchanges.jsonl',
  ];
  const dir = await mkdtemp(join(tmpdir(), 'mesh-flip-'));
  for (const name of kinds) {
    const files = new Map(entries);
    const altered = Buffer.from(files.get(name)!);
    altered[altered.length >> 1]! ^= 0x01;
    files.set(name, altered);
    const path = join(dir, `${name.replace(/\W/g, '_')}.zip`);
    await writeReproducibleZip(path, files);
    const report = await verifyBundle(path);
    expect(report.ok, name).toBe(false);
    expect(
      report.problems.some((p) => p.kind === 'altered' && (p.file === name || p.detail.includes(name))),
      `${name}: ${JSON.stringify(report.problems)}`,
    ).toBe(true);
  }
  const added = new Map([...entries, ['extra.txt', Buffer.from('x')]]);
  const missing = new Map(entries);
  missing.delete('reports/junit.xml');
  await writeReproducibleZip(join(dir, 'added.zip'), added);
  await writeReproducibleZip(join(dir, 'missing.zip'), missing);
  expect((await verifyBundle(join(dir, 'added.zip'))).problems).toEqual([
    { kind: 'added', file: 'extra.txt', detail: 'in the zip, not in manifest.json' },
  ]);
  expect((await verifyBundle(join(dir, 'missing.zip'))).problems.map((p) => [p.kind, p.file])).toEqual([
    ['missing', 'reports/junit.xml'],
  ]);
});

test('verify checks the zip against its .sha256 and prints what was altered', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mesh-flip-'));
  const copy = join(dir, 'bundle.zip');
  const bytes = await readFile(zipPath);
  bytes[bytes.length >> 1]! ^= 0x01;
  await writeFile(copy, bytes);
  await writeFile(`${copy}.sha256`, (await readFile(`${zipPath}.sha256`, 'utf8')).replace(/\S+\.zip$/m, 'bundle.zip'));
  const result = await runCli(['verify', copy]);
  expect(result.code).toBe(1);
  expect(result.stdout).toContain('ALTERED   bundle.zip: its SHA-256');
  expect((await runCli(['verify', zipPath])).stdout).toMatch(/^OK .* and the zip matches its \.sha256/);
});

test('the bundle is signed with the sandbox pair for X26ABC1; index.html changed and re-hashed fails verify', async () => {
  const signed = await runCli(['verify', zipPath]);
  expect(signed.stdout).toContain(
    'signed by CN=X26ABC1.X26.api.mesh-client.nhs.uk (issued by CN=mesh-assure sandbox CA)',
  );
  expect(signed.stdout).toContain("REHEARSAL: signed under the sandbox's throwaway CA");
  const tampered = join(await mkdtemp(join(tmpdir(), 'mesh-tamper-')), 'tampered.zip');
  await tamperAndRehash(zipPath, tampered, 'index.html', (html) => {
    expect(html).toContain('class="result passed">passed');
    return html.replace(/class="result passed">passed/g, 'class="result failed">failed');
  });
  const result = await runCli(['verify', tampered]);
  expect(result.code).toBe(1);
  expect(result.stdout).toMatch(/SIGNATURE manifest\.json: it is not the manifest that was signed/);
});

test('verify of a missing file says it is missing', async () => {
  const result = await runCli(['verify', join(tmpdir(), 'no-such-bundle.zip')]);
  expect(result.code).toBe(1);
  expect(result.stdout).toContain('MISSING   ' + join(tmpdir(), 'no-such-bundle.zip') + ': there is no such file');
});

test('compare prints the change from the older bundle whatever the order, writes to neither, and --out only to a new file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mesh-compare-'));
  const entries = new Map((await readZip(zipPath)).map((e) => [e.name, Buffer.from(e.data!)]));
  const baseline = join(dir, 'baseline.zip');
  // A day older, 201 failed and 704 never run: sealed like a real bundle, with a throwaway pair of its own.
  const { files: _files, ...body } = manifest;
  const cases = body.cases
    .filter((c) => c.id !== '704')
    .map((c) => (c.id === '201' ? { ...c, result: 'failed' as const } : c));
  const dayBefore = (iso: string) => new Date(Date.parse(iso) - 86_400_000).toISOString();
  const older = {
    ...body,
    cases,
    certificate: null,
    startedAt: dayBefore(body.startedAt),
    finishedAt: dayBefore(body.finishedAt),
  };
  await sealBundle(
    baseline,
    new Map([...entries].filter(([n]) => n.startsWith('reports/'))),
    older,
    [],
    await sampleSigner(),
  );
  const inputs = [baseline, `${baseline}.sha256`, zipPath, `${zipPath}.sha256`];
  const before = await Promise.all(inputs.map((f) => readFile(f)));
  const out = join(dir, 'changes.json');
  const result = await runCli(['compare', zipPath, baseline, '--out', out]);
  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout).toContain(`older ${baseline}`);
  expect(result.stdout).toContain('fail-to-pass   201 Send an uncompressed message: failed → passed');
  expect(result.stdout).toContain('added          704 Download a message that does not exist: added (passed)');
  expect(await Promise.all(inputs.map((f) => readFile(f)))).toEqual(before);
  const written = JSON.parse(await readFile(out, 'utf8')) as {
    older: string;
    comparison: { changes: { id: string }[] };
  };
  expect(written.older).toBe(baseline);
  expect(written.comparison.changes.map((c) => c.id)).toEqual(['201', '704']);
  const again = await runCli(['compare', baseline, zipPath, '--out', out]);
  expect(again.code).toBe(1);
  expect(again.stderr).toContain('that file exists; name a new file');
});

test.describe('seen in a real browser', () => {
  let browser: Browser;
  test.beforeAll(async () => {
    browser = await launchChromium();
  });
  test.afterAll(async () => browser?.close());

  /** Opens a page of the bundle from file:// and collects every request that is not file: or data:. */
  async function open(path: string, options: { timezoneId?: string } = {}): Promise<{ page: Page; remote: string[] }> {
    const context = await browser.newContext(options);
    const page = await context.newPage();
    const remote: string[] = [];
    page.on('request', (r) => {
      if (!/^(file|data|blob):/.test(r.url())) remote.push(r.url());
    });
    await page.goto(`file://${join(unpacked, path)}`, { waitUntil: 'load' });
    return { page, remote };
  }

  test('the landing page shows every case of the run with its result, the rehearsal banner, and loads nothing remote', async () => {
    const { page, remote } = await open('index.html');
    for (const c of manifest.cases)
      await expect(page.locator(`#cases tr[data-case="${c.id}"] td.result`)).toHaveText(c.result);
    await expect(page.locator('.rehearsal')).toContainText('REHEARSAL');
    await test
      .info()
      .attach('landing page', { body: await page.screenshot({ fullPage: true }), contentType: 'image/png' });
    expect(remote).toEqual([]);
  });

  const ran = () => manifest.cases.filter((c) => CASES.includes(c.id));

  for (const report of ['Allure', 'Allure 2', 'Playwright']) {
    test(`each case row links straight to that case in the ${report} report`, async () => {
      for (const c of ran()) {
        const { page, remote } = await open('index.html');
        await page.locator(`#cases tr[data-case="${c.id}"] a`, { hasText: new RegExp(`^${report}$`) }).click();
        // The case's own page: its title, and a step only that case has (its first protocol step).
        await expect(page.getByText(c.title).first()).toBeVisible({ timeout: 15_000 });
        const others = ran().filter((o) => o.id !== c.id);
        for (const other of others) await expect(page.getByText(other.title)).toHaveCount(0);
        expect(remote).toEqual([]);
        await page.context().close();
      }
    });
  }
  /** What each report shows for this run once it has rendered: Allure's tree starts folded, so its count. */
  const REPORTS: [string, string, (page: Page) => Promise<void>][] = [
    [
      'Allure',
      'reports/allure/index.html',
      (page) =>
        expect(page.locator('body')).toContainText(`${CASES.length} passed (100% of all tests)`, { timeout: 15_000 }),
    ],
    [
      'Allure 2',
      'reports/allure2/index.html',
      (page) =>
        expect(page.locator('body')).toContainText(new RegExp(`${CASES.length}\\s*test cases`), { timeout: 15_000 }),
    ],
    [
      'Playwright',
      'reports/playwright/index.html',
      async (page) => {
        for (const c of ran()) await expect(page.getByText(c.title).first()).toBeVisible({ timeout: 15_000 });
      },
    ],
  ];
  test("Allure groups the cases by the test pack's sets, not by spec file, and dates the run in ISO 8601 UTC", async () => {
    // A reader an hour off UTC: the page must still give the time in UTC, and say so.
    const { page } = await open('reports/allure/index.html', { timezoneId: 'Europe/Paris' });
    const stamp = page.getByTestId('report-data');
    await expect(stamp).toHaveText(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(/, { timeout: 15_000 });
    const shown = Date.parse((await stamp.innerText()).split(' ')[0]!);
    expect(shown).toBeGreaterThanOrEqual(Date.parse(manifest.startedAt) - 1000);
    expect(shown).toBeLessThanOrEqual(Date.parse(manifest.finishedAt));
    for (const set of new Set(ran().map((c) => c.set)))
      await expect(page.getByText(set, { exact: true }).first()).toBeVisible({ timeout: 15_000 });
    await expect(page.getByText(/\.spec\.ts/)).toHaveCount(0);
  });

  test('the classic (allure2) Allure view dates the run in ISO 8601 with times in UTC, marked Z', async () => {
    const { page } = await open('reports/allure2/index.html', { timezoneId: 'Europe/Paris' });
    const shown = /(\d{4}-\d\d-\d\d)\s*(\d\d:\d\d:\d\d)Z - \d\d:\d\d:\d\dZ/;
    await expect(page.locator('body')).toContainText(shown, { timeout: 15_000 });
    const [, day, time] = shown.exec(await page.locator('body').innerText())!;
    const at = Date.parse(`${day}T${time}Z`);
    expect(at).toBeGreaterThanOrEqual(Date.parse(manifest.startedAt) - 1000);
    expect(at).toBeLessThanOrEqual(Date.parse(manifest.finishedAt));
  });

  for (const [view, path] of [
    ['awesome', (id: string) => `reports/allure/index.html#/${id}`],
    ['classic', (id: string) => `reports/allure2/index.html#testresult/${id}`],
  ] as const) {
    test(`a case's test-pack (tms) link in the ${view} Allure view leads to its entry on the landing page`, async () => {
      const c = ran().find((r) => r.id === '201')!;
      const { page } = await open(path(c.allureTestResultId!));
      const [entry] = await Promise.all([
        page.context().waitForEvent('page'),
        page.getByRole('link', { name: 'MESH test pack 201' }).click(),
      ]);
      await expect(entry).toHaveURL(/\/unpacked\/index\.html#case-201$/);
      await expect(entry.locator('tr:target')).toHaveAttribute('data-case', '201');
    });
  }

  test('the awesome view shows no tab with nothing in it, for the run or for a case', async () => {
    const c = ran().find((r) => r.id === '201')!;
    const { page } = await open(`reports/allure/index.html#/${c.allureTestResultId}`);
    // A case's Attachments holds its HTTP exchanges; History, Retries and Environments are empty for one run.
    await expect(page.getByTestId('test-result-tab-attachments')).toBeVisible({ timeout: 15_000 });
    for (const empty of ['history', 'retries', 'environments'])
      await expect(page.getByTestId(`test-result-tab-${empty}`)).toBeHidden();
    await page.goto(`file://${join(unpacked, 'reports/allure/index.html')}`);
    await expect(page.getByTestId('nav-tab-results')).toBeVisible({ timeout: 15_000 });
    for (const empty of ['qualityGate', 'globalAttachments', 'globalErrors'])
      await expect(page.getByTestId(`nav-tab-${empty}`)).toBeHidden();
  });

  test('the awesome view charts only what one run fills: no history or trend panel saying it has nothing', async () => {
    const { page } = await open('reports/allure/index.html#/charts');
    await expect(page.getByText('Durations histogram')).toBeVisible({ timeout: 15_000 });
    await expect(page.getByText('Current status')).toBeVisible();
    await expect(page.getByText(/^No (results|history information available)$/)).toHaveCount(0);
  });

  test('every MESH request of a case shows in Allure as an HTTP exchange, without its HMAC or payload', async () => {
    const c = ran().find((r) => r.id === '201')!;
    const { page } = await open(`reports/allure/index.html#/${c.allureTestResultId}`);
    // The exchange is an attachment of the step that made it: open the step, the exchange, then its request headers.
    await page.getByText('X26ABC1 sends message to X26ABC2').first().click();
    await page.getByText('POST /messageexchange/X26ABC1/outbox → 202').first().click();
    await page
      .getByText(/^Headers \(\d+\)$/)
      .first()
      .click();
    await expect(page.getByText(/NHSMESH X26ABC1:[0-9a-f-]{36}:\d+:\d{12}:<redacted>/).first()).toBeVisible({
      timeout: 15_000,
    });
    await expect(page.getByText(/bytes on the wire, not attached; SHA-256 [0-9a-f]{64}/).first()).toBeVisible();
  });

  for (const [name, path, showsTheRun] of REPORTS) {
    test(`the ${name} report renders this run from file:// with the banner and no network request`, async () => {
      const { page, remote } = await open(path);
      await expect(page.locator('#mesh-assure-rehearsal')).toBeVisible();
      await showsTheRun(page);
      expect(remote).toEqual([]);
    });
  }
});
