/** The `mex-chunk-range` header, `<n>:<N>`: chunk n of N, 1-based. */

export interface ChunkRange {
  chunk: number;
  total: number;
}

export class ChunkRangeError extends Error {
  override name = 'ChunkRangeError';
}

/**
 * Parses `n:N` (whitespace around the numbers tolerated). `allowEmptyReport` accepts `1:0`, which the
 * official sandbox sends for a REPORT message that has no chunks.
 */
export function parseChunkRange(value: string | undefined, options: { allowEmptyReport?: boolean } = {}): ChunkRange {
  if (value === undefined || value.trim() === '') {
    throw new ChunkRangeError('mex-chunk-range is missing: expected "<chunk>:<total>", for example "1:3"');
  }
  const m = /^\s*(\d{1,9})\s*:\s*(\d{1,9})\s*$/.exec(value);
  if (!m)
    throw new ChunkRangeError(
      `mex-chunk-range "${value}" is not "<chunk>:<total>" with whole numbers, for example "1:3"`,
    );
  const chunk = Number(m[1]);
  const total = Number(m[2]);
  if (options.allowEmptyReport && chunk === 1 && total === 0) return { chunk, total };
  if (chunk < 1) throw new ChunkRangeError(`mex-chunk-range "${value}": chunks are numbered from 1`);
  if (chunk > total)
    throw new ChunkRangeError(`mex-chunk-range "${value}": chunk ${chunk} is beyond the total of ${total}`);
  return { chunk, total };
}

export function formatChunkRange(range: ChunkRange): string {
  if (
    !Number.isInteger(range.chunk) ||
    !Number.isInteger(range.total) ||
    range.chunk < 1 ||
    range.chunk > range.total
  ) {
    throw new ChunkRangeError(`cannot format chunk ${range.chunk} of ${range.total}: need 1 <= chunk <= total`);
  }
  return `${range.chunk}:${range.total}`;
}
