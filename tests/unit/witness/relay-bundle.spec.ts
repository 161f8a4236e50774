/**
 * `mesh-assure run` in product mode on a URL target (a second sandbox with mutual TLS): the bundle holds the
 * recording relay's journal the product was judged from, redacted, listed in the manifest and its
 * checksums, and each case's proving requests point into it.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from '@playwright/test';
import type { Manifest } from '../../../src/evidence/index.ts';
import { readZip } from '../../../src/evidence/zip.ts';
import { runCli } from '../cli/run-cli.ts';
import { expectJudgedJournal } from '../../support/judged-journal.ts';
import { demoProductCommands, QUICK_PRODUCT_SETTINGS } from '../../support/product-run.ts';
import { test, URL_TARGET_MAILBOXES } from '../../support/url-target.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

test.describe.configure({ timeout: 600_000 });

test("the bundle of a product run through the relay holds the relay's journal, and every proof points into it", async ({
  urlTarget,
  workDir,
}) => {
  const run = await runCli(
    ['run', '--cases', 'handshake,201,401,702', '--json', '--out', join(workDir, 'evidence')],
    {
      ...urlTarget.settings,
      ...Object.fromEntries(Object.values(demoProductCommands(workDir))),
      ...QUICK_PRODUCT_SETTINGS,
      MESH_ASSURE_REPORTS: join(workDir, 'reports'),
    },
    ROOT,
  );
  expect(run.code, run.stderr.slice(-3000)).toBe(0);
  const files = new Map(
    (await readZip((JSON.parse(run.stdout) as { bundle: string }).bundle)).map((e) => [e.name, e.data!]),
  );
  const entries = expectJudgedJournal(files, URL_TARGET_MAILBOXES.sut);
  // The journal is the relay's: each of its requests reached the target (which also saw the pack's own checks).
  const line = (e: { method: string; path: string; status: number }) => `${e.method} ${e.path} ${e.status}`;
  const reached = new Set(urlTarget.sandbox.journal.entries({ mailbox: URL_TARGET_MAILBOXES.sut }).map(line));
  expect(entries.map(line).filter((l) => !reached.has(l))).toEqual([]);
  const manifest = JSON.parse(Buffer.from(files.get('manifest.json')!).toString('utf8')) as Manifest;
  const ran = manifest.cases.filter((c) => c.result !== 'not-run');
  expect(ran.map((c) => [c.id, c.result])).toEqual([
    ['handshake', 'passed'],
    ['201', 'passed'],
    ['401', 'passed'],
    ['702', 'passed'],
  ]);
  for (const c of ran) expect(c.journalRequests?.length, c.id).toBeGreaterThan(0);
});
