/**
 * Sealing a bundle: the landing page from the manifest, the offline check of every page, the digests into
 * the manifest (schema-checked), the manifest's detached signature with the signer's certificate,
 * MANIFEST.sha256 over all of it, the secret scan over every file (the signing key's forms included), then
 * the reproducible zip and `<zip>.sha256` beside it. Nothing is written when a check fails. `run` and
 * `observe` both pack through `packBundle`; a sealed bundle is never written again.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { formatSha256Sums, sha256 } from './checksums.ts';
import { renderLandingPage } from './landing-page.ts';
import { BUNDLE_FILES } from './layout.ts';
import { assertValidManifest, type Manifest, type ManifestBody } from './manifest.ts';
import { assertOffline } from './offline.ts';
import { scanForSecrets, SecretFoundError, type KnownSecret } from './secret-scan.ts';
import { signatureFiles, signingKeySecrets, type BundleSigner } from './signing.ts';
import { writeReproducibleZip } from './zip.ts';

export interface SealedBundle {
  zipPath: string;
  sha256: string;
  manifest: Manifest;
}

const utf8 = (text: string): Uint8Array => Buffer.from(text, 'utf8');

/** `20261124T163054Z` */
const compactUtc = (iso: string): string => iso.replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');

/** `sandbox`, `int`, `dep`, the host of a URL target, or `observe` for a product's rehearsal. */
function runLabel(body: ManifestBody): string {
  if (body.kind === 'observe') return 'observe';
  if (body.target.kind !== 'url' || !body.target.url) return body.target.kind;
  return new URL(body.target.url).host.replace(/[^A-Za-z0-9.-]/g, '-');
}

/** `mesh-evidence-<sut mailbox>-<label>-<UTC start>.zip` */
export const bundleName = (body: ManifestBody): string =>
  `mesh-evidence-${body.mailboxes.sut}-${runLabel(body)}-${compactUtc(body.startedAt)}.zip`;

/** Seals `content` and `body` as a new bundle in `outDir`, named from the manifest. */
export const packBundle = (
  outDir: string,
  content: ReadonlyMap<string, Uint8Array>,
  body: ManifestBody,
  secrets: readonly KnownSecret[],
  signer: BundleSigner,
): Promise<SealedBundle> => sealBundle(join(outDir, bundleName(body)), content, body, secrets, signer);

/**
 * `content` holds the report files by bundle path; index.html, manifest.json and MANIFEST.sha256 are made
 * here. The signature carries `signingTime` (now): with it the same inputs give the same bytes.
 */
export async function sealBundle(
  zipPath: string,
  content: ReadonlyMap<string, Uint8Array>,
  body: ManifestBody,
  secrets: readonly KnownSecret[],
  signer: BundleSigner,
  signingTime = new Date(),
): Promise<SealedBundle> {
  if (existsSync(zipPath)) throw new Error(`${zipPath} already exists: a sealed bundle is never written again`);
  const files = new Map(content);
  files.set(BUNDLE_FILES.landing, utf8(renderLandingPage(body)));
  const pages = new Map(
    [...files]
      .filter(([path]) => path.endsWith('.html'))
      .map(([path, data]) => [path, Buffer.from(data).toString('utf8')]),
  );
  assertOffline(pages);

  const paths = [...files.keys()].sort();
  const manifest: Manifest = {
    ...body,
    files: paths.map((path) => ({ path, bytes: files.get(path)!.byteLength, sha256: sha256(files.get(path)!) })),
  };
  assertValidManifest(manifest);
  const manifestJson = utf8(`${JSON.stringify(manifest, null, 2)}\n`);
  files.set(BUNDLE_FILES.manifest, manifestJson);
  for (const [path, data] of signatureFiles(manifestJson, signer, signingTime)) files.set(path, data);
  const digests = new Map([...files.keys()].sort().map((path) => [path, sha256(files.get(path)!)]));
  files.set(BUNDLE_FILES.checksums, utf8(formatSha256Sums(digests)));

  const hits = scanForSecrets(files, [...secrets, ...signingKeySecrets(signer)]);
  if (hits.length > 0) throw new SecretFoundError(hits);

  await mkdir(dirname(zipPath), { recursive: true });
  await writeReproducibleZip(zipPath, files);
  const zipDigest = sha256(await readFile(zipPath));
  await writeFile(`${zipPath}.sha256`, formatSha256Sums(new Map([[basename(zipPath), zipDigest]])), { flag: 'wx' });
  return { zipPath, sha256: zipDigest, manifest };
}
