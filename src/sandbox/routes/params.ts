/** Path and query parameters shared by several routes, validated FastAPI-style (400 with a `loc`). */
import { validationFailure } from '../replies.ts';

/** A 1-based chunk number from the path. */
export function parseChunkNumber(value: string | undefined): number {
  if (value === undefined) return 1;
  if (!/^\d{1,9}$/.test(value)) {
    throw validationFailure([
      {
        type: 'int_parsing',
        loc: ['path', 'chunk_number'],
        msg: 'Input should be a valid integer, unable to parse string as an integer',
      },
    ]);
  }
  const chunk = Number(value);
  if (chunk < 1)
    throw validationFailure([
      { type: 'greater_than_equal', loc: ['path', 'chunk_number'], msg: 'Input should be greater than or equal to 1' },
    ]);
  return chunk;
}
