/** A small valid manifest body for tests that seal bundles without running the pack, a signer, and a tamperer. */
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { formatSha256Sums, sha256 } from '../../../src/evidence/checksums.ts';
import type { CaseResult } from '../../../src/evidence/case-results.ts';
import { MANIFEST_FORMAT, summarise, type Manifest, type ManifestBody } from '../../../src/evidence/manifest.ts';
import { throwawaySigner, type BundleSigner } from '../../../src/evidence/signing.ts';
import { readZip, writeReproducibleZip } from '../../../src/evidence/zip.ts';

export function sampleCase(id: string, result: CaseResult['result'], durationMs: number | null = 1000): CaseResult {
  return {
    id,
    title: `${id} title`,
    set: 'Sending',
    optional: false,
    result,
    messageIds: result === 'not-run' ? [] : [`2026112412000000000_${id}`],
    durationMs,
    notes: [],
    playwrightTestId: null,
  };
}

export function sampleManifestBody(
  cases: CaseResult[] = [sampleCase('201', 'passed')],
  rehearsal = true,
): ManifestBody {
  return {
    format: MANIFEST_FORMAT,
    runId: 'run-test',
    rehearsal,
    target: { kind: rehearsal ? 'sandbox' : 'int', url: 'https://127.0.0.1:1' },
    mailboxes: { sut: 'X26ABC1', peer: 'X26ABC2', dormant: null },
    odsCode: 'X26',
    workflowId: 'MESH_ASSURE_TEST',
    certificate: null,
    product: { name: 'Product', version: '1.0' },
    rfc: null,
    tool: { name: 'mesh-assure', version: '0.1.0', node: process.version },
    startedAt: '2026-11-24T12:00:00.000Z',
    finishedAt: '2026-11-24T12:00:10.000Z',
    summary: summarise(cases),
    cases,
    comparison: null,
  };
}

let rehearsal: Promise<BundleSigner> | undefined;

/** One throwaway sandbox pair for X26ABC1 per worker: key generation is the slow part. */
export const sampleSigner = (): Promise<BundleSigner> => (rehearsal ??= throwawaySigner('X26ABC1', 'X26'));

/** Writes `files` as a bundle at `out`: MANIFEST.sha256 recomputed over them, the zip, and its .sha256 (no signing). */
async function resealUnsigned(files: Map<string, Buffer>, out: string): Promise<void> {
  files.delete('MANIFEST.sha256');
  files.set(
    'MANIFEST.sha256',
    Buffer.from(formatSha256Sums(new Map([...files.keys()].sort().map((p) => [p, sha256(files.get(p)!)])))),
  );
  await writeReproducibleZip(out, files);
  await writeFile(`${out}.sha256`, formatSha256Sums(new Map([[basename(out), sha256(await readFile(out))]])));
}

const unzipped = async (zipPath: string): Promise<Map<string, Buffer>> =>
  new Map((await readZip(zipPath)).map((e) => [e.name, Buffer.from(e.data!)]));

/**
 * What someone without the key can do to a bundle: change a file, then recompute its manifest entry,
 * MANIFEST.sha256, the zip and its .sha256, so that every digest agrees again. Writes `<out>`.
 */
export async function tamperAndRehash(
  zipPath: string,
  out: string,
  name: string,
  change: (text: string) => string,
): Promise<void> {
  const files = await unzipped(zipPath);
  files.set(name, Buffer.from(change(files.get(name)!.toString('utf8'))));
  const manifest = JSON.parse(files.get('manifest.json')!.toString('utf8')) as Manifest;
  manifest.files = manifest.files.map((f) =>
    files.has(f.path) ? { ...f, bytes: files.get(f.path)!.length, sha256: sha256(files.get(f.path)!) } : f,
  );
  files.set('manifest.json', Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
  await resealUnsigned(files, out);
}

/**
 * A bundle as mesh-assure sealed it before bundles were signed: no signature files, and MANIFEST.sha256
 * over manifest.json and the files only; `alter` names a file changed from what the manifest lists. Writes `<out>`.
 */
export async function unsignedCopy(zipPath: string, out: string, alter?: string): Promise<void> {
  const files = await unzipped(zipPath);
  for (const seal of ['manifest.json.p7s', 'signer-certificate.pem', 'sandbox-ca.pem']) files.delete(seal);
  if (alter) files.set(alter, Buffer.concat([files.get(alter)!, Buffer.from(' ')]));
  await resealUnsigned(files, out);
}
