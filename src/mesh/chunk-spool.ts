/**
 * Chunks of a send as they go on the wire, and the digest of the content they carry. Plain chunks of a
 * replayable source are streamed from it; gzip chunks and chunks of a one-pass stream are spooled to a
 * private temporary file, so memory stays flat whatever the chunk size and a retry re-reads the file.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { noteStreamed } from '../runtime/streamed-memory.ts';
import type { RequestBody } from './attempt.ts';
import type { ChunkSource } from './chunk-source.ts';
import { MeshArgumentError } from './errors.ts';

/**
 * The SHA-256 of a message whose chunks may be read more than once (a retry re-reads its range): each
 * byte position is hashed the first time it passes, so the digest is of the content, not of the traffic.
 */
export class RangeDigest {
  readonly #hash = createHash('sha256');
  position = 0;

  tap(start: number): Transform {
    let at = start;
    return new Transform({
      transform: (piece: Buffer, _enc, cb) => {
        noteStreamed(piece.length);
        const fresh = this.position - at;
        if (at <= this.position && fresh < piece.length) {
          this.#hash.update(fresh > 0 ? piece.subarray(fresh) : piece);
          this.position = at + piece.length;
        }
        at += piece.length;
        cb(null, piece);
      },
    });
  }

  hex(): string {
    return this.#hash.digest('hex');
  }
}

/** A private temporary directory holding the chunk being sent; readable by this user only, removed when the send ends. */
export class ChunkSpool {
  private constructor(readonly dir: string) {}

  static async open(): Promise<ChunkSpool> {
    return new ChunkSpool(await mkdtemp(join(tmpdir(), 'mesh-assure-chunk-')));
  }

  async write(stream: Readable): Promise<{ path: string; length: number }> {
    const path = join(this.dir, 'chunk');
    const sink = createWriteStream(path, { mode: 0o600 });
    await pipeline(stream, sink);
    return { path, length: sink.bytesWritten };
  }

  remove(): Promise<void> {
    return rm(this.dir, { recursive: true, force: true });
  }
}

/** Bytes [start, end) of `source` as one request body, gzipped when asked; every byte passes `digest` once. */
export async function prepareChunk(
  source: ChunkSource,
  start: number,
  end: number,
  gzip: boolean,
  digest: RangeDigest,
  spool: ChunkSpool,
): Promise<RequestBody> {
  const read = () => source.open(start, end).pipe(digest.tap(start));
  if (!gzip && source.replayable !== false) return { length: end - start, open: read };
  const { path, length } = await spool.write(gzip ? read().pipe(createGzip()) : read());
  if (!gzip && length !== end - start)
    throw new MeshArgumentError(`the source gave ${length} bytes for bytes ${start}..${end}, expected ${end - start}`);
  return { length, open: () => createReadStream(path, { highWaterMark: 1 << 16 }) };
}
