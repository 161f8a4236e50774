/**
 * Crash-safe file writes: data goes to a temporary file, is fsynced, then renamed into place, and the
 * directory is fsynced so the rename itself survives a power cut. Directory syncs are shared: callers
 * that arrive while one is running wait for the next, so concurrent writers pay for one sync between them.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export const TMP_SUFFIX = '.tmp';

const tmpPathFor = (path: string): string => `${path}.${randomBytes(4).toString('hex')}${TMP_SUFFIX}`;

async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export class DirSyncer {
  #running: Promise<void> | undefined;
  #queued: Promise<void> | undefined;

  constructor(private readonly dir: string) {}

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
    const run: Promise<void> = fsyncDir(this.dir).finally(() => {
      if (this.#running === run) this.#running = undefined;
    });
    this.#running = run;
    return run;
  }
}

/**
 * Streams `source` into `path` atomically: the bytes are fsynced before the rename (the caller syncs the
 * directory afterwards). Returns the bytes written. On any error (the source failing, a size limit, a
 * closed connection) the temporary file is removed and the error rethrown.
 */
export async function writeFileDurably(path: string, source: Readable | string | Buffer): Promise<number> {
  const tmp = tmpPathFor(path);
  const sink = createWriteStream(tmp, { flags: 'w', flush: true });
  try {
    if (typeof source === 'string' || Buffer.isBuffer(source)) sink.end(source);
    else await pipeline(source, sink);
    // The fsync (flush: true) happens when the file closes, so wait for that, not just for 'finish'.
    if (!sink.closed) await new Promise<void>((resolve, reject) => sink.once('close', resolve).once('error', reject));
    await rename(tmp, path);
    return sink.bytesWritten;
  } catch (error) {
    sink.destroy();
    await rm(tmp, { force: true });
    throw error;
  }
}
