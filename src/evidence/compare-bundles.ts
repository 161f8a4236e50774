/**
 * `mesh-assure compare <old.zip> <new.zip>`: both bundles must verify and be of one kind (two witness runs,
 * or two observe runs); the change per case is written into the new bundle (its manifest and landing
 * page), which is sealed again under the same name. `run --baseline` compares the same way.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { sha256 } from './checksums.ts';
import { compareCases } from './compare.ts';
import { sealBundle, type SealedBundle } from './bundle.ts';
import { BUNDLE_FILES, SEAL_FILES } from './layout.ts';
import { bundleKind, type Comparison, type ManifestBody } from './manifest.ts';
import type { KnownSecret } from './secret-scan.ts';
import { verifyBundle, formatVerifyReport } from './verify.ts';
import { readZip } from './zip.ts';

/** The comparison with a baseline bundle, which must verify first: an altered baseline proves nothing. */
export async function compareWithBaseline(baselineZip: string, current: ManifestBody): Promise<Comparison> {
  const report = await verifyBundle(baselineZip);
  if (!report.ok || !report.manifest) throw new Error(`the baseline does not verify:\n${formatVerifyReport(report).join('\n')}`);
  const baseline = report.manifest;
  // A witness run's cases and an observe run's rules share no id: every case would read as added and removed.
  if (bundleKind(baseline) !== bundleKind(current)) throw new Error(`the baseline is of kind ${bundleKind(baseline)} and this bundle of kind ${bundleKind(current)}: compare bundles of one kind`);
  return {
    baseline: { bundle: basename(baselineZip), sha256: sha256(await readFile(baselineZip)), runId: baseline.runId, rfc: baseline.rfc, finishedAt: baseline.finishedAt },
    changes: compareCases(baseline.cases, current.cases),
  };
}

export async function compareBundles(baselineZip: string, newZip: string, secrets: readonly KnownSecret[]): Promise<SealedBundle> {
  const report = await verifyBundle(newZip);
  if (!report.ok || !report.manifest) throw new Error(`${newZip} does not verify:\n${formatVerifyReport(report).join('\n')}`);
  const { files: _files, ...body } = report.manifest;
  body.comparison = await compareWithBaseline(baselineZip, body);
  const content = new Map<string, Uint8Array>();
  for (const entry of await readZip(newZip)) {
    if (!SEAL_FILES.has(entry.name) && entry.name !== BUNDLE_FILES.landing && entry.data) content.set(entry.name, entry.data);
  }
  return sealBundle(newZip, content, body, secrets);
}
