/**
 * `mesh-assure run` in product mode: the product commands given as options, the product named by
 * MESH_PRODUCT_NAME and MESH_PRODUCT_VERSION; the bundle says on its landing page and in its manifest that
 * the product, not our client, was the system under test, and a case with no command is not demonstrable;
 * it holds the sandbox journal of the product's mailbox its verdicts point into.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import type { Manifest } from '../../../src/evidence/index.ts';
import { readZip } from '../../../src/evidence/zip.ts';
import { runCli } from '../cli/run-cli.ts';
import { expectJudgedJournal } from '../../support/judged-journal.ts';

const PRODUCT = fileURLToPath(new URL('../../demo-product/product.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

test('run --product-*-cmd packs a bundle that names the product as the system under test', async () => {
  test.setTimeout(240_000);
  const work = mkdtempSync(join(tmpdir(), 'mesh-run-product-'));
  try {
    const product = `"${process.execPath}" --import tsx "${PRODUCT}"`;
    const run = await runCli(
      [
        'run',
        '--cases',
        'handshake,702,704',
        '--json',
        '--out',
        join(work, 'evidence'),
        '--product-send-cmd',
        `${product} send --state "${work}" --to {to} --workflow {workflow} --file {file}`,
        '--product-receive-cmd',
        `${product} receive --state "${work}" --dir {dir}`,
      ],
      {
        MESH_ASSURE_REPORTS: join(work, 'reports'),
        MESH_PRODUCT_NAME: 'Demo Product',
        MESH_PRODUCT_VERSION: '1.2.3',
        MESH_PRODUCT_POLL_INTERVAL_S: '1',
      },
      ROOT,
    );
    expect(run.code, run.stderr.slice(-3000)).toBe(0);
    const files = new Map(
      (await readZip((JSON.parse(run.stdout) as { bundle: string }).bundle)).map((e) => [e.name, e.data!]),
    );
    const entries = new Map([...files].map(([name, data]) => [name, Buffer.from(data).toString('utf8')]));
    const manifest = JSON.parse(entries.get('manifest.json')!) as Manifest;
    expect([manifest.sut, manifest.product]).toEqual(['product', { name: 'Demo Product', version: '1.2.3' }]);
    expect(
      Object.fromEntries(manifest.cases.filter((c) => c.result !== 'not-run').map((c) => [c.id, c.result])),
    ).toEqual({ handshake: 'passed', '702': 'passed', '704': 'not-demonstrable' });
    expect(manifest.cases.find((c) => c.id === '704')!.notes.join('\n')).toMatch(/MESH_PRODUCT_DOWNLOAD_CMD/);
    expect(entries.get('index.html')).toContain(
      "<dt>System under test</dt><dd>product: the supplier's software, Demo Product version 1.2.3</dd>",
    );
    // The product was judged from the sandbox journal of its mailbox: the bundle holds that, and the proofs point into it.
    expectJudgedJournal(files, manifest.mailboxes.sut);
    expect(manifest.cases.find((c) => c.id === 'handshake')!.journalRequests).toContain(0);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
