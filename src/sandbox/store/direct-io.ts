/**
 * Large chunk files written and read around the page cache (O_DIRECT). The sandbox syncs every byte it
 * accepts before answering, so caching the writes gains nothing, and filling the page cache costs a
 * kernel copy and page allocation per byte: on the 2-core benchmark VM that was about 3 s of system CPU
 * per GiB written and again per GiB read cold, against about 0.3 s direct. Where the file system refuses
 * O_DIRECT, callers fall back to ordinary buffered I/O.
 *
 * O_DIRECT needs the memory address, the file offset and the length aligned to the device's block size;
 * 4 KiB covers every common device. Node has no aligned allocator, but a WebAssembly memory is mapped by
 * pages, so its buffer starts on a page boundary: the slabs below are carved from such memories.
 */
import { close, constants, fdatasync, ftruncate, open, read, write } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { promisify } from 'node:util';
import { noteStreamed } from '../../runtime/streamed-memory.ts';

const openAsync = promisify(open);
const writeAsync = promisify(write);
const readAsync = promisify(read);
const fdatasyncAsync = promisify(fdatasync);
const ftruncateAsync = promisify(ftruncate);

// In Node, but not in the type declarations this project compiles against (no DOM lib).
declare const WebAssembly: { Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer } };

const ALIGN = 4096;
/** Each direct read or write moves one slab: large enough that a thread-pool round trip is cheap per byte. */
export const SLAB_BYTES = 1024 * 1024;
/** Slabs come from WebAssembly memories of this many slabs (64 KiB wasm pages). */
const SLABS_PER_MEMORY = 8;

const free: Buffer[] = [];

function takeSlab(): Buffer {
  if (free.length === 0) {
    const memory = new WebAssembly.Memory({ initial: (SLABS_PER_MEMORY * SLAB_BYTES) / 65536 });
    for (let i = 0; i < SLABS_PER_MEMORY; i++) free.push(Buffer.from(memory.buffer, i * SLAB_BYTES, SLAB_BYTES));
  }
  return free.pop()!;
}

function giveBack(slab: Buffer): void {
  free.push(slab);
}

const roundUp = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;

/** Opens `path` with O_DIRECT added to `flags`; undefined where the file system does not support it. */
async function openDirect(path: string, flags: number): Promise<number | undefined> {
  if (constants.O_DIRECT === undefined) return undefined; // not Linux
  try {
    return await openAsync(path, flags | constants.O_DIRECT, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EINVAL') return undefined;
    throw error;
  }
}

/** Writes `length` bytes of `slab` at `position`; a short write is an error (the rest would be misaligned). */
async function writeAll(fd: number, slab: Buffer, length: number, position: number): Promise<void> {
  const { bytesWritten } = await writeAsync(fd, slab, 0, length, position);
  if (bytesWritten !== length) throw new Error(`short write to a chunk file: ${bytesWritten} of ${length} bytes`);
}

/**
 * A file sink writing 1 MiB aligned slabs with O_DIRECT: incoming pieces are copied into a slab while the
 * previous slab is being written, so receiving and the disk overlap. The last, partial slab is padded to
 * the block size, written, and the file cut back to its true length; then one fdatasync makes the data
 * and the file's size durable. Created only by openDirectSink, which knows the fd supports O_DIRECT.
 */
class DirectFileSink extends Writable {
  bytesWritten = 0;
  #slab: Buffer | undefined = takeSlab();
  #fill = 0;
  #position = 0;
  #inFlight: Promise<void> | undefined;

  constructor(private readonly fd: number) {
    super({ highWaterMark: SLAB_BYTES });
  }

  override _write(piece: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#take(piece).then(() => callback(), callback);
  }

  async #take(piece: Buffer): Promise<void> {
    let at = 0;
    while (at < piece.length) {
      const copied = piece.copy(this.#slab!, this.#fill, at);
      this.#fill += copied;
      at += copied;
      if (this.#fill === SLAB_BYTES) await this.#flush(SLAB_BYTES);
    }
    this.bytesWritten += piece.length;
    noteStreamed(piece.length);
  }

  /** Starts writing the current slab (after the previous write ends) and goes on filling a fresh one. */
  async #flush(length: number): Promise<void> {
    await this.#inFlight;
    const slab = this.#slab!;
    const position = this.#position;
    this.#position += length;
    this.#slab = takeSlab();
    this.#fill = 0;
    const write = writeAll(this.fd, slab, length, position).finally(() => giveBack(slab));
    // A failure shows when the next flush or the final one awaits it; until then it is not unhandled.
    write.catch(() => undefined);
    this.#inFlight = write;
  }

  override _final(callback: (error?: Error | null) => void): void {
    const tail = this.#fill;
    const padded = roundUp(tail);
    if (tail > 0) this.#slab!.fill(0, tail, padded);
    void (async () => {
      if (tail > 0) await this.#flush(padded);
      await this.#inFlight;
      if (padded !== tail) await ftruncateAsync(this.fd, this.bytesWritten);
      await fdatasyncAsync(this.fd);
    })().then(() => callback(), callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    void Promise.resolve(this.#inFlight)
      .catch(() => undefined)
      .then(() => {
        if (this.#slab) giveBack(this.#slab);
        this.#slab = undefined;
        close(this.fd, () => callback(error));
      });
  }
}

/** A new file at `path` written with O_DIRECT, or undefined where that is not supported. */
export async function openDirectSink(path: string): Promise<(Writable & { bytesWritten: number }) | undefined> {
  const fd = await openDirect(path, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC);
  return fd === undefined ? undefined : new DirectFileSink(fd);
}

/**
 * Reads a file with O_DIRECT, a slab at a time, handing out copies in ordinary Buffers (the slab is reused
 * at once; the copy costs far less than the page cache would). A read shorter than a slab is the end.
 */
class DirectFileSource extends Readable {
  #position = 0;

  constructor(private readonly fd: number) {
    super({ highWaterMark: SLAB_BYTES });
  }

  override _read(): void {
    const slab = takeSlab();
    readAsync(this.fd, slab, 0, SLAB_BYTES, this.#position)
      .then(({ bytesRead }) => {
        this.#position += bytesRead;
        if (bytesRead > 0) this.push(Buffer.from(slab.subarray(0, bytesRead)));
        if (bytesRead < SLAB_BYTES) this.push(null);
      })
      .catch((error: Error) => this.destroy(error))
      .finally(() => giveBack(slab));
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    close(this.fd, () => callback(error));
  }
}

/** The file at `path` read with O_DIRECT, or undefined where that is not supported. */
export async function openDirectSource(path: string): Promise<Readable | undefined> {
  const fd = await openDirect(path, constants.O_RDONLY);
  return fd === undefined ? undefined : new DirectFileSource(fd);
}
