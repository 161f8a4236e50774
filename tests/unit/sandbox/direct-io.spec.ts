/** Chunk files written and read around the page cache: exact bytes and sizes at every alignment edge. */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { expect, test } from '@playwright/test';
import { sha256 } from '../../../src/evidence/checksums.ts';
import { openDirectSource, SLAB_BYTES } from '../../../src/sandbox/store/direct-io.ts';
import { writeFileDurably } from '../../../src/sandbox/store/durable.ts';


/** A stream of `data` in pieces of uneven sizes, as a socket delivers them. */
function pieces(data: Buffer): Readable {
  const out: Buffer[] = [];
  for (let at = 0, i = 0; at < data.length; i++) {
    const size = [1, 4095, 65_536, 3, 300_000][i % 5]!;
    out.push(data.subarray(at, at + size));
    at += size;
  }
  return Readable.from(out);
}

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

test('sizes around the block and slab edges are written and read back exactly', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'direct-io-'));
  try {
    for (const size of [1, 4095, 4096, 4097, SLAB_BYTES - 1, SLAB_BYTES, SLAB_BYTES + 1, 3 * SLAB_BYTES + 12_345]) {
      const data = randomBytes(size);
      const path = join(dir, `f${size}`);
      expect(await writeFileDurably(path, pieces(data))).toBe(size);
      expect((await stat(path)).size, `size ${size} on disk`).toBe(size);
      expect(sha256(await readFile(path)), `size ${size} through the page cache`).toBe(sha256(data));
      const direct = await openDirectSource(path);
      // Where the file system refuses O_DIRECT the store reads through the page cache, checked above.
      if (direct) expect(sha256(await readAll(direct)), `size ${size} read direct`).toBe(sha256(data));
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a source failing half-way leaves no file behind, and the next write is whole', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'direct-io-'));
  try {
    const failing = new Readable({ read() {} });
    failing.push(randomBytes(SLAB_BYTES + 5));
    setTimeout(() => failing.destroy(new Error('connection reset')), 20);
    await expect(writeFileDurably(join(dir, 'broken'), failing)).rejects.toThrow('connection reset');
    expect(await readdir(dir)).toEqual([]);

    const data = randomBytes(2 * SLAB_BYTES + 7);
    await writeFileDurably(join(dir, 'next'), pieces(data));
    expect(sha256(await readFile(join(dir, 'next')))).toBe(sha256(data));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
