/**
 * Comparing bundles: both must verify and be of one kind (two witness runs, or two observe runs). Neither
 * is written to: `compare` returns the change per case for printing (and a file the user names), and `run
 * --baseline` puts it into the bundle being made. The older bundle is the baseline, by run time.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { sha256 } from './checksums.ts';
import { compareCases } from './compare.ts';
import { bundleKind, type Comparison, type Manifest, type ManifestBody } from './manifest.ts';
import { verifyBundle, formatVerifyReport } from './verify.ts';

async function verifiedManifest(zip: string, role: string): Promise<Manifest> {
  const report = await verifyBundle(zip);
  // An altered bundle proves nothing, so nothing is compared with it.
  if (!report.ok || !report.manifest)
    throw new Error(`the ${role} does not verify:\n${formatVerifyReport(report).join('\n')}`);
  return report.manifest;
}

async function comparison(baselineZip: string, baseline: Manifest, current: ManifestBody): Promise<Comparison> {
  // A witness run's cases and an observe run's rules share no id: every case would read as added and removed.
  if (bundleKind(baseline) !== bundleKind(current))
    throw new Error(
      `the baseline is of kind ${bundleKind(baseline)} and this bundle of kind ${bundleKind(current)}: compare bundles of one kind`,
    );
  return {
    baseline: {
      bundle: basename(baselineZip),
      sha256: sha256(await readFile(baselineZip)),
      runId: baseline.runId,
      rfc: baseline.rfc,
      finishedAt: baseline.finishedAt,
    },
    changes: compareCases(baseline.cases, current.cases),
  };
}

/** The comparison of the run being packed with a baseline bundle, which must verify first. */
export async function compareWithBaseline(baselineZip: string, current: ManifestBody): Promise<Comparison> {
  return comparison(baselineZip, await verifiedManifest(baselineZip, 'baseline'), current);
}

export interface BundleComparison {
  older: { zip: string; manifest: Manifest };
  newer: { zip: string; manifest: Manifest };
  comparison: Comparison;
}

/** When the run took place: its start, then its end for two runs started together. */
const runTime = (m: Manifest): [number, number] => [Date.parse(m.startedAt), Date.parse(m.finishedAt)];
const ranBefore = (a: Manifest, b: Manifest): boolean =>
  runTime(a)[0] < runTime(b)[0] || (runTime(a)[0] === runTime(b)[0] && runTime(a)[1] < runTime(b)[1]);

/** Two bundles in either order: the one whose run came first is the baseline. */
export async function compareBundles(first: string, second: string): Promise<BundleComparison> {
  const a = { zip: first, manifest: await verifiedManifest(first, `bundle ${first}`) };
  const b = { zip: second, manifest: await verifiedManifest(second, `bundle ${second}`) };
  const [older, newer] = ranBefore(b.manifest, a.manifest) ? [b, a] : [a, b];
  return { older, newer, comparison: await comparison(older.zip, older.manifest, newer.manifest) };
}
