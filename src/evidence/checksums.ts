/** SHA-256 digests and the `sha256sum -c` format: `<64 hex>  <path>` per line, paths sorted. */
import { createHash } from 'node:crypto';

export const sha256 = (data: Uint8Array | string): string => createHash('sha256').update(data).digest('hex');

/** One line per file, in the given order, as `sha256sum` writes them (two spaces: text mode). */
export function formatSha256Sums(digests: ReadonlyMap<string, string>): string {
  return [...digests].map(([path, digest]) => `${digest}  ${path}\n`).join('');
}

export interface Sha256SumsParse {
  digests: Map<string, string>;
  /** 1-based numbers of lines that are not `<64 hex>  <path>`. */
  badLines: number[];
}

export function parseSha256Sums(text: string): Sha256SumsParse {
  const digests = new Map<string, string>();
  const badLines: number[] = [];
  text.split('\n').forEach((line, index) => {
    if (line === '') return;
    const match = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    if (match) digests.set(match[2]!, match[1]!);
    else badLines.push(index + 1);
  });
  return { digests, badLines };
}
