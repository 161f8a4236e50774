/**
 * The secret scan every file goes through before it is packed: the configured secrets (passwords, shared
 * key, key passphrases), any private-key PEM block, and any unredacted NHSMESH auth header. Reports pack
 * attachments as base64 (Allure) or as a base64 zip (Playwright), so base64 runs are decoded and zips
 * opened, and what is inside is scanned too. A hit names the file, the place and the kind, never the value.
 */
import { looksLikeZip, zipEntries, type ZipEntry } from './zip.ts';

export type SecretKind =
  'mailbox password' | 'shared key' | 'key passphrase' | 'private key' | 'signing key' | 'auth header HMAC';

export interface KnownSecret {
  kind: SecretKind;
  /** Text is looked for as UTF-8; bytes as they are (a key's DER). */
  value: string | Uint8Array;
}

export interface SecretHit {
  file: string;
  /** `line 3, column 17`, with the path through decoded data when the hit is inside it. */
  where: string;
  kind: SecretKind;
}

const PATTERNS: { kind: SecretKind; pattern: RegExp }[] = [
  { kind: 'private key', pattern: /-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY-----/g },
  // The redacted form ends in `<redacted>`: 64 hex digits in the last field is a live HMAC.
  { kind: 'auth header HMAC', pattern: /NHSMESH [^\s:"]+:[^\s:"]+:\d+:\d+:[0-9a-fA-F]{64}/g },
];

const BASE64_RUN = /[A-Za-z0-9+/]{80,}={0,2}/g;
const MAX_DEPTH = 3;

function position(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return `line ${line}, column ${offset - lineStart + 1}`;
}

/** A zip inside a report that cannot be read is scanned no deeper; its bytes were scanned as they are. */
function safeZipEntries(data: Buffer): ZipEntry[] {
  try {
    return zipEntries(data);
  } catch {
    return [];
  }
}

function scanBuffer(
  data: Buffer,
  secrets: readonly KnownSecret[],
  path: string[],
  depth: number,
  hits: { where: string; kind: SecretKind }[],
): void {
  const text = data.toString('latin1');
  const here = (offset: number) => [...path, position(text, offset)].join(' → ');
  for (const secret of secrets) {
    const needle = typeof secret.value === 'string' ? Buffer.from(secret.value, 'utf8') : Buffer.from(secret.value);
    for (let at = data.indexOf(needle); at !== -1; at = data.indexOf(needle, at + 1))
      hits.push({ where: here(at), kind: secret.kind });
  }
  for (const { kind, pattern } of PATTERNS)
    for (const match of text.matchAll(pattern)) hits.push({ where: here(match.index), kind });
  if (depth >= MAX_DEPTH) return;
  for (const match of text.matchAll(BASE64_RUN)) {
    const decoded = Buffer.from(match[0], 'base64');
    const inside = [...path, `base64 data at ${position(text, match.index)}`];
    if (!looksLikeZip(decoded)) {
      scanBuffer(decoded, secrets, inside, depth + 1, hits);
      continue;
    }
    for (const entry of safeZipEntries(decoded)) {
      const where = [...inside, `zip entry ${entry.name}`];
      if (entry.data) scanBuffer(Buffer.from(entry.data), secrets, where, depth + 1, hits);
    }
  }
}

export function scanForSecrets(files: ReadonlyMap<string, Uint8Array>, secrets: readonly KnownSecret[]): SecretHit[] {
  const usable = secrets.filter((s) => s.value.length > 0);
  const hits: SecretHit[] = [];
  for (const [file, data] of files) {
    const found: { where: string; kind: SecretKind }[] = [];
    scanBuffer(Buffer.from(data.buffer, data.byteOffset, data.byteLength), usable, [], 0, found);
    hits.push(...found.map((hit) => ({ file, ...hit })));
  }
  return hits;
}

export class SecretFoundError extends Error {
  override name = 'SecretFoundError';
  constructor(readonly hits: SecretHit[]) {
    const shown = hits.slice(0, 10).map((h) => `  - ${h.file}: ${h.kind} at ${h.where}`);
    const more = hits.length > 10 ? [`  - and ${hits.length - 10} more`] : [];
    super(
      [
        `secret scan stopped the packing: ${hits.length} secret${hits.length === 1 ? '' : 's'} found`,
        ...shown,
        ...more,
      ].join('\n'),
    );
  }
}
