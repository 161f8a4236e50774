/**
 * Witness and observe bundles through the one packing path: named by kind, verified alike, compared only
 * with their own kind; a bundle sealed before `kind` existed still verifies and reads as a witness run.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { bundleName, packBundle } from '../../../src/evidence/bundle.ts';
import { judgedCase } from '../../../src/evidence/case-results.ts';
import { compareBundles } from '../../../src/evidence/compare-bundles.ts';
import { renderLandingPage } from '../../../src/evidence/landing-page.ts';
import { manifestBody, type ManifestBody } from '../../../src/evidence/manifest.ts';
import { verifyBundle } from '../../../src/evidence/verify.ts';
import { sampleManifestBody, sampleSigner } from './samples.ts';

const rule = (id: string, passed: boolean, requests = 1) =>
  judgedCase({
    id,
    title: `${id} title`,
    passed,
    findings: passed ? [] : [`#7 GET /messageexchange/X26ABC1/inbox 200 broke ${id}`],
    requests: Array.from({ length: requests }, (_, i) => `#${i} GET /messageexchange/X26ABC1/inbox 200`),
    messageIds: [],
  });

function observeBody(startedAt: string, cases = [rule('poll-interval', true), rule('accept-v2', false)]): ManifestBody {
  const { format: _format, tool: _tool, summary: _summary, comparison: _comparison, ...facts } = sampleManifestBody();
  return manifestBody({ ...facts, kind: 'observe', startedAt, cases });
}

const observeFiles = () =>
  new Map([
    ['reports/observe.json', Buffer.from('{}\n')],
    ['reports/product-journal.json', Buffer.from('[]\n')],
  ]);

test('an observe run packs to mesh-evidence-<mailbox>-observe-<time>.zip and verifies', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mesh-kinds-'));
  const body = observeBody('2026-11-24T12:00:00.123Z');
  expect(bundleName(body)).toBe('mesh-evidence-X26ABC1-observe-20261124T120000Z.zip');
  expect(bundleName({ ...sampleManifestBody(), target: { kind: 'url', url: 'https://mesh.example.org:8443/' } })).toBe(
    'mesh-evidence-X26ABC1-mesh.example.org-8443-20261124T120000Z.zip',
  );
  const sealed = await packBundle(dir, observeFiles(), body, [], await sampleSigner());
  expect(sealed.zipPath).toBe(join(dir, 'mesh-evidence-X26ABC1-observe-20261124T120000Z.zip'));
  expect(sealed.manifest).toMatchObject({ kind: 'observe', summary: { passed: 1, failed: 1, total: 2 } });
  expect(sealed.manifest.cases[1]).toMatchObject({
    set: 'observe',
    result: 'failed',
    durationMs: null,
    playwrightTestId: null,
    notes: [
      'violation: #7 GET /messageexchange/X26ABC1/inbox 200 broke accept-v2',
      'request: #0 GET /messageexchange/X26ABC1/inbox 200',
    ],
  });
  const report = await verifyBundle(sealed.zipPath);
  expect(report.problems).toEqual([]);
  expect(report.manifest?.kind).toBe('observe');
});

test('the observe landing page is marked a rehearsal, links observe.json and folds a long proof', () => {
  const page = renderLandingPage(observeBody('2026-11-24T12:00:00Z', [rule('ack-within', true, 40)]));
  expect(page).toContain('REHEARSAL against a MESH sandbox');
  expect(page).toContain("MESH behaviour of the product, judged from the sandbox's journal");
  expect(page).toContain('<a href="reports/observe.json">observe.json</a>');
  expect(page).not.toContain('reports/allure/index.html');
  expect(page).toContain('<details><summary>34 more</summary>');
});

test('compare works between two observe bundles in either order, writes to neither, and refuses a witness bundle against an observe one', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mesh-kinds-'));
  const before = await packBundle(
    dir,
    observeFiles(),
    observeBody('2026-11-24T12:00:00Z', [rule('accept-v2', true)]),
    [],
    await sampleSigner(),
  );
  const after = await packBundle(
    dir,
    observeFiles(),
    observeBody('2026-11-25T12:00:00Z', [rule('accept-v2', false)]),
    [],
    await sampleSigner(),
  );
  const bytes = async () =>
    Promise.all([before.zipPath, after.zipPath].flatMap((z) => [z, `${z}.sha256`]).map((f) => readFile(f)));
  const untouched = await bytes();
  // The newer named first: the run times decide which is the baseline.
  const compared = await compareBundles(after.zipPath, before.zipPath);
  expect(compared.older.zip).toBe(before.zipPath);
  expect(compared.comparison.changes.map((c) => [c.id, c.change])).toEqual([['accept-v2', 'pass-to-fail']]);
  expect(await bytes()).toEqual(untouched);

  // Sealed without `kind`, as every bundle was before observe was packed: a witness run.
  const witness = await packBundle(
    dir,
    new Map([['reports/junit.xml', Buffer.from('<testsuites/>')]]),
    sampleManifestBody(),
    [],
    await sampleSigner(),
  );
  expect(witness.manifest.kind).toBeUndefined();
  expect((await verifyBundle(witness.zipPath)).ok).toBe(true);
  await expect(compareBundles(witness.zipPath, after.zipPath)).rejects.toThrow(
    'the baseline is of kind witness and this bundle of kind observe: compare bundles of one kind',
  );
});
