/**
 * `mesh-assure verify`: the zip against `<zip>.sha256` when it is there, every file against the manifest,
 * MANIFEST.sha256 against the manifest, the manifest against its schema, and the manifest's signature
 * (signature-check.ts). Reports exactly which file was altered, is missing or was added, and what of the
 * signature failed.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseSha256Sums, sha256 } from './checksums.ts';
import { BUNDLE_FILES, REQUIRED_SEAL_FILES, SEAL_FILES } from './layout.ts';
import { manifestProblems, type Manifest } from './manifest.ts';
import { checkSignature, formatSigner, type SignerReport } from './signature-check.ts';
import { readZip, type ZipEntry } from './zip.ts';

/** `unsigned`: a bundle sealed before bundles were signed, with neither signature file. */
export type ProblemKind = 'altered' | 'missing' | 'added' | 'signature' | 'unsigned';

export interface VerifyProblem {
  kind: ProblemKind;
  file: string;
  detail: string;
}

export interface VerifyReport {
  ok: boolean;
  zip: string;
  /** Whether `<zip>.sha256` was there to check the zip as a whole. */
  zipChecksumChecked: boolean;
  /** The manifest when it could be read and matched its schema. */
  manifest: Manifest | undefined;
  problems: VerifyProblem[];
  /** Who signed, when the signature could be read. */
  signer: SignerReport | undefined;
}

export interface VerifyOptions {
  /** A CA bundle file to trust instead of the NHS PTL G2 chain (or a rehearsal's own sandbox CA). */
  caBundle?: string;
}

async function zipChecksum(zipPath: string, problems: VerifyProblem[]): Promise<boolean> {
  const sidecar = `${zipPath}.sha256`;
  if (!existsSync(sidecar)) return false;
  const listed = parseSha256Sums(await readFile(sidecar, 'utf8')).digests.get(basename(zipPath));
  const actual = sha256(await readFile(zipPath));
  if (listed === undefined)
    problems.push({ kind: 'altered', file: basename(sidecar), detail: `it does not list ${basename(zipPath)}` });
  else if (listed !== actual)
    problems.push({
      kind: 'altered',
      file: basename(zipPath),
      detail: `its SHA-256 ${actual} differs from ${listed} in ${basename(sidecar)}`,
    });
  return true;
}

function readManifest(entries: ReadonlyMap<string, ZipEntry>, problems: VerifyProblem[]): Manifest | undefined {
  const data = entries.get(BUNDLE_FILES.manifest)?.data;
  if (!data) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(data).toString('utf8'));
  } catch {
    problems.push({ kind: 'altered', file: BUNDLE_FILES.manifest, detail: 'it is no longer valid JSON' });
    return undefined;
  }
  const schema = manifestProblems(parsed);
  if (schema.length > 0) {
    problems.push({
      kind: 'altered',
      file: BUNDLE_FILES.manifest,
      detail: `it no longer matches its schema: ${schema.slice(0, 3).join('; ')}`,
    });
    return undefined;
  }
  return parsed as Manifest;
}

/** Every listed file present and unchanged; anything unlisted is added. */
function checkFiles(manifest: Manifest, entries: ReadonlyMap<string, ZipEntry>, problems: VerifyProblem[]): void {
  const listed = new Set(manifest.files.map((f) => f.path));
  for (const file of manifest.files) {
    const entry = entries.get(file.path);
    if (!entry) problems.push({ kind: 'missing', file: file.path, detail: 'listed in manifest.json, not in the zip' });
    else if (entry.data && sha256(entry.data) !== file.sha256)
      problems.push({ kind: 'altered', file: file.path, detail: 'its SHA-256 differs from manifest.json' });
  }
  for (const name of entries.keys()) {
    if (!listed.has(name) && !SEAL_FILES.has(name))
      problems.push({ kind: 'added', file: name, detail: 'in the zip, not in manifest.json' });
  }
}

/** MANIFEST.sha256 must list exactly the manifest's files with the same digests, plus manifest.json as it is. */
function checkChecksumFile(
  manifest: Manifest,
  entries: ReadonlyMap<string, ZipEntry>,
  problems: VerifyProblem[],
): void {
  const data = entries.get(BUNDLE_FILES.checksums)?.data;
  if (!data) return;
  const file = BUNDLE_FILES.checksums;
  const { digests, badLines } = parseSha256Sums(Buffer.from(data).toString('utf8'));
  if (badLines.length > 0)
    problems.push({ kind: 'altered', file, detail: `line ${badLines.join(', ')} is not "<sha256>  <path>"` });
  const expected = new Map(manifest.files.map((f) => [f.path, f.sha256]));
  for (const seal of SEAL_FILES) {
    const sealData = entries.get(seal)?.data;
    if (sealData && seal !== file) expected.set(seal, sha256(sealData));
  }
  for (const [path, digest] of expected) {
    const line = digests.get(path);
    if (line === undefined) problems.push({ kind: 'altered', file, detail: `it does not list ${path}` });
    else if (line !== digest && path === BUNDLE_FILES.manifest) {
      // Nothing else vouches for manifest.json: either it or its line changed.
      problems.push({
        kind: 'altered',
        file: BUNDLE_FILES.manifest,
        detail: `its SHA-256 differs from its line in ${file} (manifest.json or that line was altered)`,
      });
    } else if (line !== digest)
      problems.push({ kind: 'altered', file, detail: `its line for ${path} differs from manifest.json` });
  }
  for (const path of digests.keys())
    if (!expected.has(path))
      problems.push({ kind: 'altered', file, detail: `it lists ${path}, which manifest.json does not` });
}

/** The seal files a bundle sealed before signing existed lacks, both of them. */
const UNSIGNED_FILES: readonly string[] = [BUNDLE_FILES.signature, BUNDLE_FILES.signer];

/**
 * Not a tampering claim: such a bundle may be genuine but old. It still fails, since anyone could have made
 * it (or stripped a newer bundle's signature files and its checksum lines).
 */
function unsignedProblem(manifest: Manifest, filesMatch: boolean): VerifyProblem {
  const matched = filesMatch ? 'its checksums match but' : 'its files do not match its checksums (above), and';
  return {
    kind: 'unsigned',
    file: BUNDLE_FILES.signature,
    detail: `no signature: sealed by mesh-assure ${manifest.tool.version}, before bundles were signed; ${matched} nothing proves who made it`,
  };
}

/** Whether the only thing wrong is that the bundle predates signing, which the CLI reports with its own exit code. */
export const onlyUnsigned = (report: VerifyReport): boolean =>
  report.problems.length > 0 && report.problems.every((p) => p.kind === 'unsigned');

export async function verifyBundle(zipPath: string, options: VerifyOptions = {}): Promise<VerifyReport> {
  const problems: VerifyProblem[] = [];
  const failed = (problem: VerifyProblem): VerifyReport => ({
    ok: false,
    zip: zipPath,
    zipChecksumChecked: false,
    manifest: undefined,
    problems: [problem],
    signer: undefined,
  });
  if (!existsSync(zipPath))
    return failed({ kind: 'missing', file: zipPath, detail: 'there is no such file: check the path' });
  const zipChecksumChecked = await zipChecksum(zipPath, problems);
  let entries: Map<string, ZipEntry>;
  try {
    entries = new Map((await readZip(zipPath)).map((e) => [e.name, e]));
  } catch (error) {
    problems.push({ kind: 'altered', file: basename(zipPath), detail: (error as Error).message });
    return { ok: false, zip: zipPath, zipChecksumChecked, manifest: undefined, problems, signer: undefined };
  }
  for (const entry of entries.values())
    if (entry.problem) problems.push({ kind: 'altered', file: entry.name, detail: entry.problem });
  const unsigned = UNSIGNED_FILES.every((seal) => !entries.has(seal));
  for (const seal of REQUIRED_SEAL_FILES)
    if (!entries.has(seal) && !(unsigned && UNSIGNED_FILES.includes(seal)))
      problems.push({ kind: 'missing', file: seal, detail: 'not in the zip' });
  const manifest = readManifest(entries, problems);
  let signer: SignerReport | undefined;
  if (manifest) {
    checkFiles(manifest, entries, problems);
    checkChecksumFile(manifest, entries, problems);
    if (unsigned) problems.push(unsignedProblem(manifest, problems.length === 0));
    else signer = await checkSignature(manifest, entries, options.caBundle, problems);
  }
  return { ok: problems.length === 0, zip: zipPath, zipChecksumChecked, manifest, problems, signer };
}

export function formatVerifyReport(report: VerifyReport): string[] {
  const signed = report.signer ? formatSigner(report.signer) : [];
  if (report.ok) {
    const files = report.manifest?.files.length ?? 0;
    const seals = REQUIRED_SEAL_FILES.length + (report.signer?.trust === 'throwaway' ? 1 : 0);
    return [
      `OK ${report.zip}: ${files + seals} files match the manifest and its signature${report.zipChecksumChecked ? ', and the zip matches its .sha256' : ' (no .sha256 beside the zip to check the zip as a whole)'}`,
      ...signed,
    ];
  }
  return [
    `NOT OK ${report.zip}`,
    ...report.problems.map((p) => `  ${p.kind.toUpperCase().padEnd(9)} ${p.file}: ${p.detail}`),
    ...signed,
  ];
}
