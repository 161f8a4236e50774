/**
 * Crash-safe file writes: data goes to a temporary file, is fsynced, then renamed into place, and the
 * directory is fsynced so the rename itself survives a power cut. Directory syncs are shared: callers
 * that arrive while one is running wait for the next, so concurrent writers pay for one sync between them.
 */
import { randomBytes } from 'node:crypto';
import { close, fdatasync, open as openFile, writev } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { noteStreamed } from '../../runtime/streamed-memory.ts';
import { openDirectSink } from './direct-io.ts';

const fdatasyncAsync = promisify(fdatasync);

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

/** Writes are gathered up to this size: small writes each cost a thread-pool round trip. */
const WRITE_BUFFER_BYTES = 1024 * 1024;
/** While a file streams in, a sync is started after every this many bytes, so the final one has little left. */
const SYNC_EVERY_BYTES = 4 * 1024 * 1024;

/**
 * A file sink whose final sync is cheap: while bytes stream in it starts an fdatasync in the background
 * every SYNC_EVERY_BYTES (disk writeback overlaps the receiving), and it finishes only after a last
 * fdatasync of everything. Counts the bytes for streamed-memory's collections.
 */
class SyncingFileSink extends Writable {
  #fd = -1;
  bytesWritten = 0;
  #syncedUpTo = 0;
  #background: Promise<void> | undefined;

  constructor(private readonly path: string) {
    super({ highWaterMark: WRITE_BUFFER_BYTES });
  }

  override _construct(callback: (error?: Error | null) => void): void {
    openFile(this.path, 'w', (error, fd) => ((this.#fd = fd), callback(error)));
  }

  override _writev(chunks: { chunk: Buffer }[], callback: (error?: Error | null) => void): void {
    const buffers = chunks.map((c) => c.chunk);
    const expected = buffers.reduce((sum, b) => sum + b.length, 0);
    writev(this.#fd, buffers, (failure, bytes) => {
      const error = failure ?? (bytes === expected ? null : new Error(`short write to ${this.path}: ${bytes} of ${expected} bytes`));
      this.bytesWritten += bytes;
      noteStreamed(bytes);
      if (!error && !this.#background && this.bytesWritten - this.#syncedUpTo >= SYNC_EVERY_BYTES) {
        this.#syncedUpTo = this.bytesWritten;
        // Only an early start: a failure here shows again in the final sync.
        this.#background = fdatasyncAsync(this.#fd).catch(() => undefined).finally(() => (this.#background = undefined));
      }
      callback(error);
    });
  }

  override _final(callback: (error?: Error | null) => void): void {
    void Promise.resolve(this.#background)
      .then(() => fdatasyncAsync(this.#fd))
      .then(() => callback(), callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.#fd < 0) return callback(error);
    void Promise.resolve(this.#background).then(() => close(this.#fd, () => callback(error)));
  }
}

type FileSink = Writable & { bytesWritten: number };

/** A stream may be large: it is written around the page cache where the file system allows (direct-io.ts). */
async function fileSink(path: string, source: Readable | string | Buffer): Promise<FileSink> {
  const direct = typeof source === 'string' || Buffer.isBuffer(source) ? undefined : await openDirectSink(path);
  return direct ?? new SyncingFileSink(path);
}

/**
 * Streams `source` (after the bytes in `prefix`, already read from it) into `path` atomically: the bytes
 * are fdatasynced before the rename (the caller syncs the directory afterwards). Returns the bytes
 * written. On any error (the source failing, a size limit, a closed connection) the temporary file is
 * removed and the error rethrown.
 */
export async function writeFileDurably(path: string, source: Readable | string | Buffer, prefix: Buffer[] = []): Promise<number> {
  const tmp = tmpPathFor(path);
  let sink: FileSink | undefined;
  try {
    const out = (sink = await fileSink(tmp, source));
    for (const piece of prefix) out.write(piece);
    if (typeof source === 'string' || Buffer.isBuffer(source)) out.end(source);
    else await pipeline(source, out);
    // The file is closed (and its last sync done) only once 'close' is emitted.
    if (!out.closed) await new Promise<void>((resolve, reject) => out.once('close', resolve).once('error', reject));
    await rename(tmp, path);
    return out.bytesWritten;
  } catch (error) {
    sink?.destroy();
    await rm(tmp, { force: true });
    throw error;
  }
}
