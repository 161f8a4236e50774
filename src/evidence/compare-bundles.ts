/**
 * `mesh-assure compare <old.zip> <new.zip>`: both bundles must verify; the change per case is written into
 * the new bundle (its manifest and landing page), which is sealed again under the same name.
 */
import { verifyBundle, formatVerifyReport } from './verify.ts';
import { compareWithBaseline } from './run-and-pack.ts';
import { sealBundle, type SealedBundle } from './bundle.ts';
import { BUNDLE_FILES, SEAL_FILES } from './layout.ts';
import type { KnownSecret } from './secret-scan.ts';
import { readZip } from './zip.ts';

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
