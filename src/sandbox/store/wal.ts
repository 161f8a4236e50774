/**
 * An append-only, checksummed log: the store's commit point. Each record is
 * `[u32 length][u32 crc32][u32 json length][json][bytes]`; a record torn by a crash fails its checksum
 * and it and everything after it are ignored on replay.
 *
 * Appends are written in batches: every append made in one turn of the event loop goes out in one
 * positional write when the turn ends, so concurrent requests share the system call (on this kind of VM a
 * small page-cache write costs tens of microseconds of main-thread time). The write stays synchronous: a
 * thread-pool write measured slower, its hop adding latency to every send and acknowledgement. Syncs
 * are group-committed the same way: the durable appends of a batch share one sync, which normally runs
 * on the event loop right after the write, so requests arriving meanwhile share the next; on a slow disk
 * syncs move to the thread pool, and appends written while one is under way share the next (see
 * sync-policy.ts). A durable append resolves once its record is on disk; a lazy one (appendLazily) once
 * it is written (it then survives the process being killed) and it reaches the disk with the next sync,
 * which starts within LAZY_SYNC_MS.
 */
import { closeSync, constants, fdatasync, fdatasyncSync, fstatSync, ftruncateSync, openSync, readSync, writeSync, writevSync } from 'node:fs';
import { promisify } from 'node:util';
import { crc32 } from 'node:zlib';
import { SyncPolicy } from './sync-policy.ts';

const fdatasyncAsync = promisify(fdatasync);
const HEADER = 12;
/** How long a lazily appended record may wait for a sync that some durable append would have started. */
const LAZY_SYNC_MS = 20;
/**
 * The log is zero-filled ahead of its end in steps of this size, so that a sync after an append has only
 * data to write, not a new file size or new blocks: on the development VM's ext4 an append and sync took
 * 235 us (112 us of CPU) into zero-filled space, against 285 to 326 us (125 to 148) growing the file or
 * filling a sparse one. Replay stops at the zeros (a zero length is no record).
 */
const PREALLOCATE_BYTES = 4 * 1024 * 1024;
let zeros: Buffer | undefined;

export interface WalRecord {
  json: unknown;
  bytes?: Buffer;
}

/** Where a record's bytes sit in the log file. */
export interface BytesLocation {
  offset: number;
  length: number;
}

/**
 * A record's header and JSON in one buffer; its bytes stay where they are and go out as a second piece of
 * the same write (copying a chunk into one frame cost more than the rest of framing).
 */
function frame(record: WalRecord): Buffer[] {
  const json = Buffer.from(JSON.stringify(record.json));
  const head = Buffer.allocUnsafe(HEADER + json.length);
  json.copy(head, HEADER);
  const bytes = record.bytes;
  head.writeUInt32LE(4 + json.length + (bytes?.length ?? 0), 0);
  head.writeUInt32LE(bytes ? crc32(bytes, crc32(json)) : crc32(json), 4);
  head.writeUInt32LE(json.length, 8);
  return bytes ? [head, bytes] : [head];
}

/** One append waiting for the end of the turn: its records, framed when appended, and who to tell. */
interface QueuedAppend {
  /** Per record: its head, and its bytes when it has any. */
  frames: Buffer[][];
  records: WalRecord[];
  /** Resolve only once a sync that started after the write has finished. */
  durable: boolean;
  resolve(locations: (BytesLocation | undefined)[]): void;
  reject(error: unknown): void;
}

export class WalWriter {
  readonly #fd: number;
  /** The end of the written records: the next batch goes here. */
  #size: number;
  /** The end of the zero-filled space; records are written below it. */
  #allocated: number;
  #queue: QueuedAppend[] = [];
  readonly #policy: SyncPolicy;
  /** A sync running in the thread pool. */
  #syncing: Promise<void> | undefined;
  #nextSync: Promise<void> | undefined;
  /** Lazily appended records wait for this timer's sync, unless a sync starts before it fires. */
  #lazyTimer: NodeJS.Timeout | undefined;

  /** Opens the log for appending after its intact prefix (a torn tail is cut off). */
  constructor(path: string, validSize: number, policy = new SyncPolicy()) {
    this.#policy = policy;
    this.#fd = openSync(path, constants.O_RDWR | constants.O_CREAT, 0o600);
    ftruncateSync(this.#fd, validSize);
    this.#size = validSize;
    this.#allocated = validSize;
  }

  /** Appends records; resolves with where each one's bytes are, once they are durable. */
  append(records: WalRecord[]): Promise<(BytesLocation | undefined)[]> {
    return records.length === 0 ? Promise.resolve([]) : this.#write(records, true);
  }

  /**
   * Appends records without waiting for the disk: for changes whose loss in a power cut is allowed (see
   * MessageStore.save). Resolves once they are written (readable, and safe from the process being killed);
   * they are durable within LAZY_SYNC_MS.
   */
  async appendLazily(records: WalRecord[]): Promise<(BytesLocation | undefined)[]> {
    const locations = await this.#write(records, false);
    this.#lazyTimer ??= setTimeout(() => {
      this.#lazyTimer = undefined;
      this.#sync().catch(() => undefined); // a failed sync fails the next durable append too
    }, LAZY_SYNC_MS);
    return locations;
  }

  /**
   * Queues records for the batch written at the end of the turn, framed now: their JSON as it is at this
   * call, their bytes (never changed by callers afterwards) by reference. Resolves once they are written,
   * or once synced too when `durable`.
   */
  #write(records: WalRecord[], durable: boolean): Promise<(BytesLocation | undefined)[]> {
    return new Promise((resolve, reject) => {
      if (this.#queue.length === 0) setImmediate(() => this.#flush());
      this.#queue.push({ frames: records.map(frame), records, durable, resolve, reject });
    });
  }

  /**
   * Writes everything queued in one positional write, then has the batch's durable appends share one sync.
   * A failed write leaves the end where it was.
   */
  #flush(): void {
    const batch = this.#queue;
    if (batch.length === 0) return;
    this.#queue = [];
    let end = this.#size;
    const located = batch.map(({ frames, records }) =>
      records.map((record, i) => {
        const at = end + frames[i]![0]!.length;
        end = at + (record.bytes?.length ?? 0);
        return record.bytes ? { offset: at, length: record.bytes.length } : undefined;
      }),
    );
    try {
      this.#preallocate(end);
      const written = writevSync(this.#fd, batch.flatMap((queued) => queued.frames.flat()), this.#size);
      if (written !== end - this.#size) throw new Error(`short write to the message log: ${written} of ${end - this.#size} bytes`);
    } catch (error) {
      for (const queued of batch) queued.reject(error);
      return;
    }
    this.#size = end;
    // One sync for the whole batch: a sync already running started before this write and does not cover it.
    const synced = batch.some((queued) => queued.durable) ? this.#sync() : undefined;
    batch.forEach((queued, i) => {
      if (queued.durable) synced!.then(() => queued.resolve(located[i]!), queued.reject);
      else queued.resolve(located[i]!);
    });
  }

  /** Zero-fills the file up to at least `end`, a whole step at a time (the next sync makes it durable). */
  #preallocate(end: number): void {
    while (this.#allocated < end) {
      zeros ??= Buffer.alloc(PREALLOCATE_BYTES);
      this.#allocated += writeSync(this.#fd, zeros, 0, zeros.length, this.#allocated);
    }
  }

  /** A sync that starts after this call: joins the queued one if a sync is already running. */
  #sync(): Promise<void> {
    if (!this.#syncing) return this.#start();
    this.#nextSync ??= this.#syncing.catch(() => undefined).then(() => {
      this.#nextSync = undefined;
      return this.#start();
    });
    return this.#nextSync;
  }

  #start(): Promise<void> {
    // This sync covers every record written so far, the lazy ones included.
    clearTimeout(this.#lazyTimer);
    this.#lazyTimer = undefined;
    if (this.#policy.inline()) {
      const started = performance.now();
      try {
        fdatasyncSync(this.#fd);
      } catch (error) {
        return Promise.reject(error);
      }
      this.#policy.record(performance.now() - started);
      return Promise.resolve();
    }
    const run: Promise<void> = fdatasyncAsync(this.#fd).finally(() => {
      if (this.#syncing === run) this.#syncing = undefined;
    });
    this.#syncing = run;
    return run;
  }

  /** The bytes of a record whose append has resolved. */
  read(location: BytesLocation): Buffer {
    const buffer = Buffer.allocUnsafe(location.length);
    readSync(this.#fd, buffer, 0, location.length, location.offset);
    return buffer;
  }

  /** Writes what is queued, waits for running syncs, syncs what is not yet on disk, and closes the file. */
  async close(): Promise<void> {
    this.#flush();
    await Promise.all([this.#syncing, this.#nextSync]).catch(() => undefined);
    if (this.#lazyTimer) fdatasyncSync(this.#fd);
    clearTimeout(this.#lazyTimer);
    closeSync(this.#fd);
  }
}

/** Replays a log: calls `visit` for each intact record; returns the size of the intact prefix. */
export function replayWal(path: string, visit: (json: unknown, bytes: BytesLocation) => void): number {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return 0;
  }
  try {
    const size = fstatSync(fd).size;
    const header = Buffer.alloc(HEADER);
    let at = 0;
    while (at + HEADER <= size) {
      readSync(fd, header, 0, HEADER, at);
      const length = header.readUInt32LE(0);
      const jsonLength = header.readUInt32LE(8);
      if (length < 4 + jsonLength || at + 8 + length > size) break;
      const body = Buffer.allocUnsafe(length - 4);
      readSync(fd, body, 0, body.length, at + HEADER);
      if (crc32(body) !== header.readUInt32LE(4)) break;
      visit(JSON.parse(body.subarray(0, jsonLength).toString('utf8')), { offset: at + HEADER + jsonLength, length: body.length - jsonLength });
      at += 8 + length;
    }
    return at;
  } finally {
    closeSync(fd);
  }
}
