/**
 * Crash-safe file writes: data goes to a temporary file, is fdatasynced, then renamed into place; the
 * caller syncs the directory afterwards so that the rename itself survives a power cut.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { noteStreamed } from '../../runtime/streamed-memory.ts';

export const TMP_SUFFIX = '.tmp';

/**
 * One sync at a time, shared: a caller waits for a sync that starts after its call, and callers arriving
 * while one runs share the next (so concurrent sends pay for one sync between them).
 */
export class SharedSync {
  #running: Promise<void> | undefined;
  #queued: Promise<void> | undefined;

  constructor(private readonly run: () => Promise<void>) {}

  sync(): Promise<void> {
    if (!this.#running) return this.#start();
    this.#queued ??= this.#running
      .catch(() => undefined)
      .then(() => {
        this.#queued = undefined;
        return this.#start();
      });
    return this.#queued;
  }

  #start(): Promise<void> {
    const run: Promise<void> = this.run().finally(() => {
      if (this.#running === run) this.#running = undefined;
    });
    this.#running = run;
    return run;
  }
}

/** Syncs a directory, so that files renamed into it stay there after a power cut. */
export class DirSyncer extends SharedSync {
  constructor(dir: string) {
    super(async () => {
      const handle = await open(dir, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    });
  }
}

/**
 * Writes `source` to `path` atomically and returns the bytes written: they are fdatasynced before the
 * rename. On any error (the source failing, a size limit, a closed connection) the temporary file is
 * removed and the error rethrown.
 */
export async function writeFileDurably(path: string, source: Readable | string | Buffer): Promise<number> {
  const tmp = `${path}.${randomBytes(4).toString('hex')}${TMP_SUFFIX}`;
  try {
    const file = await open(tmp, 'w');
    let bytes = 0;
    try {
      for await (const piece of typeof source === 'string' || Buffer.isBuffer(source)
        ? [Buffer.from(source)]
        : (source as AsyncIterable<Buffer>)) {
        const { bytesWritten } = await file.write(piece);
        if (bytesWritten !== piece.length)
          throw new Error(`short write to ${tmp}: ${bytesWritten} of ${piece.length} bytes`);
        bytes += piece.length;
        noteStreamed(piece.length);
      }
      await file.datasync();
    } finally {
      await file.close();
    }
    await rename(tmp, path);
    return bytes;
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}
