/**
 * Messages on disk, with an in-memory index for speed; the disk is the truth. The commit point is an
 * append-only, fsynced log (wal.ts) of message snapshots. A small chunk (up to 256 KiB) travels inside
 * the log record that commits it; a larger one is streamed to `<id>.<n>.chunk`, fsynced and renamed into
 * place (and its directory synced) before the log record naming it is appended. Nothing is visible or
 * answered 202 before its record is durable. On start the log is replayed (and compacted).
 */
import { createReadStream } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { makeMessageId } from '../../protocol/index.ts';
import { openDirectSource, SLAB_BYTES } from './direct-io.ts';
import { DirSyncer, TMP_SUFFIX, writeFileDurably } from './durable.ts';
import { statusOf, type StoredMessage } from './message.ts';
import { RecentChunks } from './recent-chunks.ts';
import { replayWal, WalWriter, type BytesLocation, type WalRecord } from './wal.ts';

/** Chunks up to this size are kept in the log rather than in files of their own. */
const INLINE_LIMIT = 256 * 1024;
const LOG = 'messages.log';
/** Memory for small chunks awaiting download (recent-chunks.ts). */
const RECENT_CHUNK_BYTES = 8 * 1024 * 1024;

type ChunkPlace = { inline: BytesLocation } | { file: true };
type LogEntry = { t: 'message'; message: StoredMessage } | { t: 'chunk'; id: string; n: number; file?: true } | { t: 'delete'; id: string };

export class MessageStore {
  readonly #dir: string;
  readonly #syncer: DirSyncer;
  #wal!: WalWriter;
  readonly #byId = new Map<string, StoredMessage>();
  /** Accepted messages per recipient, in delivery order (Map keeps insertion order). */
  readonly #inboxes = new Map<string, Map<string, StoredMessage>>();
  readonly #chunks = new Map<string, ChunkPlace>();
  readonly #recent = new RecentChunks(RECENT_CHUNK_BYTES);
  /** Chunks received but not yet committed: they go into the log with the message's next save(). */
  readonly #pending = new Map<string, WalRecord[]>();
  /** Messages deleted for good: a request still holding one must not write it back (see save). */
  readonly #deleted = new WeakSet<StoredMessage>();
  #lastIdTime = 0;
  #idMicros = 0;
  #nextSeq = 1;

  private constructor(dir: string) {
    this.#dir = dir;
    this.#syncer = new DirSyncer(dir);
  }

  static async open(dataDir: string): Promise<MessageStore> {
    const store = new MessageStore(join(dataDir, 'messages'));
    await mkdir(store.#dir, { recursive: true });
    await store.#load();
    return store;
  }

  async #load(): Promise<void> {
    const path = join(this.#dir, LOG);
    const inline = new Map<string, BytesLocation>();
    replayWal(path, (json, bytes) => {
      const entry = json as LogEntry;
      if (entry.t === 'message') this.#byId.set(entry.message.messageId, entry.message);
      else if (entry.t === 'chunk') {
        const key = chunkKey(entry.id, entry.n);
        if (entry.file) inline.delete(key), this.#chunks.set(key, { file: true });
        else inline.set(key, bytes), this.#chunks.set(key, { inline: bytes });
      } else {
        this.#byId.delete(entry.id);
      }
    });
    // Rewrite the log with only what is alive: deleted messages and superseded snapshots go.
    const compacted = `${path}.compact${TMP_SUFFIX}`;
    await rm(compacted, { force: true });
    const old = new WalWriter(path, replayWal(path, () => undefined));
    const fresh = new WalWriter(compacted, 0);
    const records: WalRecord[] = [];
    const live = new Map<string, ChunkPlace>();
    for (const message of this.#byId.values()) {
      for (let n = 1; n <= message.totalChunks; n++) {
        const place = this.#chunks.get(chunkKey(message.messageId, n));
        if (!place) continue;
        if ('file' in place) records.push({ json: { t: 'chunk', id: message.messageId, n, file: true } });
        else records.push({ json: { t: 'chunk', id: message.messageId, n }, bytes: old.read(place.inline) });
      }
      records.push({ json: { t: 'message', message } });
    }
    const locations = await fresh.append(records);
    records.forEach((record, i) => {
      const entry = record.json as LogEntry;
      if (entry.t === 'chunk') live.set(chunkKey(entry.id, entry.n), entry.file ? { file: true } : { inline: locations[i]! });
    });
    await old.close();
    await fresh.close();
    await rename(compacted, path);
    await this.#syncer.sync();
    this.#wal = new WalWriter(path, replayWal(path, () => undefined));
    this.#chunks.clear();
    for (const [key, place] of live) this.#chunks.set(key, place);

    // Chunk files no committed record names belong to sends never answered 202, or to deleted messages.
    for (const name of await readdir(this.#dir)) {
      const chunk = /^(.+)\.(\d+)\.chunk$/.exec(name);
      const orphan = name.endsWith(TMP_SUFFIX) || (chunk && !this.#chunks.has(chunkKey(chunk[1]!, Number(chunk[2]))));
      if (orphan) await rm(join(this.#dir, name), { force: true });
    }
    const loaded = [...this.#byId.values()].sort((a, b) => (a.deliverySeq ?? 0) - (b.deliverySeq ?? 0));
    for (const message of loaded) {
      this.#index(message);
      this.#nextSeq = Math.max(this.#nextSeq, (message.deliverySeq ?? 0) + 1);
    }
  }

  /** A new real-format id, unique and ordered even within one millisecond. */
  newMessageId(now: Date): string {
    const ms = now.getTime();
    if (ms > this.#lastIdTime) {
      this.#lastIdTime = ms;
      this.#idMicros = 0;
    } else {
      this.#idMicros = Math.min(this.#idMicros + 1, 999);
    }
    let id: string;
    do id = makeMessageId(new Date(this.#lastIdTime), this.#idMicros);
    while (this.#byId.has(id));
    return id;
  }

  nextDeliverySeq(): number {
    return this.#nextSeq++;
  }

  get(id: string): StoredMessage | undefined {
    return this.#byId.get(id);
  }

  all(): IterableIterator<StoredMessage> {
    return this.#byId.values();
  }

  /** Accepted messages addressed to `mailbox`, oldest delivery first. */
  inbox(mailbox: string): Map<string, StoredMessage> {
    return this.#inboxes.get(mailbox) ?? new Map();
  }

  #chunkPath(id: string, chunk: number): string {
    return join(this.#dir, `${id}.${chunk}.chunk`);
  }

  /**
   * Receives a chunk's bytes and returns its size. A small chunk is held until save() commits it with
   * the message; a large one is streamed to its own file, durably, before this resolves.
   */
  async writeChunk(id: string, chunk: number, body: Readable | Buffer): Promise<number> {
    const head = Buffer.isBuffer(body) ? { held: [body], size: body.length, ended: true } : await readUpTo(body, INLINE_LIMIT);
    if (!head.ended || head.size > INLINE_LIMIT) {
      const written = await writeFileDurably(this.#chunkPath(id, chunk), body, head.ended ? [] : head.held);
      await this.#syncer.sync();
      this.#hold(id, { json: { t: 'chunk', id, n: chunk, file: true } });
      return written;
    }
    this.#hold(id, { json: { t: 'chunk', id, n: chunk }, bytes: head.held.length === 1 ? head.held[0]! : Buffer.concat(head.held) });
    return head.size;
  }

  /** Keeps a chunk's record for the message's next save(). */
  #hold(id: string, record: WalRecord): void {
    this.#pending.set(id, [...(this.#pending.get(id) ?? []), record]);
  }

  /** A chunk's bytes: a Buffer when it is small enough to live in the log, otherwise a file stream. */
  async readChunk(id: string, chunk: number): Promise<Buffer | Readable> {
    const key = chunkKey(id, chunk);
    const place = this.#chunks.get(key);
    if (place && 'inline' in place) return this.#recent.get(key) ?? this.#wal.read(place.inline);
    const path = this.#chunkPath(id, chunk);
    // Large reads: each read is a thread-pool round trip, and 64 KiB ones leave the socket waiting.
    return (await openDirectSource(path)) ?? createReadStream(path, { highWaterMark: SLAB_BYTES });
  }

  /** Forgets a chunk received for a send that then failed (never committed). */
  async discardChunk(id: string, chunk: number): Promise<void> {
    this.#pending.delete(id);
    if (!this.#byId.has(id)) await rm(this.#chunkPath(id, chunk), { force: true });
  }

  /**
   * Commits the message's current state, with any chunks received since the last save, in one durable
   * log append; the index shows the change once it is on disk. With `durable: false` it resolves once the
   * record is written (it survives the process being killed; a power cut in the next few milliseconds
   * could lose it), for changes where losing the last state is allowed. A message whose deletion has
   * begun is not saved again, so no record of it follows the deletion's in the log.
   */
  async save(message: StoredMessage, { durable = true } = {}): Promise<void> {
    if (this.#deleted.has(message)) return;
    const id = message.messageId;
    const records = [...(this.#pending.get(id) ?? []), { json: { t: 'message', message } }];
    this.#pending.delete(id);
    const locations = await (durable ? this.#wal.append(records) : this.#wal.appendLazily(records));
    records.forEach((record, i) => {
      const entry = record.json as LogEntry;
      if (entry.t !== 'chunk') return;
      this.#chunks.set(chunkKey(id, entry.n), entry.file ? { file: true } : { inline: locations[i]! });
      if (record.bytes) this.#recent.put(chunkKey(id, entry.n), record.bytes);
    });
    this.#byId.set(id, message);
    this.#index(message);
  }

  /** Deletes messages for good (admin reset, and 30 days after delivery). */
  async delete(ids: Iterable<string>): Promise<void> {
    const gone = [...ids].map((id) => this.#byId.get(id)).filter((m): m is StoredMessage => m !== undefined);
    // Marked first: a save made while the deletion is being written must not land after it in the log.
    for (const message of gone) this.#deleted.add(message);
    await this.#wal.append(gone.map((m) => ({ json: { t: 'delete', id: m.messageId } })));
    for (const message of gone) {
      this.#byId.delete(message.messageId);
      this.#pending.delete(message.messageId);
      this.#inboxes.get(message.recipient)?.delete(message.messageId);
      for (let n = 1; n <= message.totalChunks; n++) {
        const key = chunkKey(message.messageId, n);
        const place = this.#chunks.get(key);
        this.#chunks.delete(key);
        this.#recent.delete(key);
        if (place && 'file' in place) await rm(this.#chunkPath(message.messageId, n), { force: true });
      }
    }
  }

  close(): Promise<void> {
    return this.#wal.close();
  }

  #index(message: StoredMessage): void {
    let inbox = this.#inboxes.get(message.recipient);
    if (statusOf(message) === 'accepted') {
      if (!inbox) this.#inboxes.set(message.recipient, (inbox = new Map()));
      if (!inbox.has(message.messageId)) inbox.set(message.messageId, message);
    } else {
      inbox?.delete(message.messageId);
      // Kept while the upload is still going: delivery makes them downloadable.
      if (statusOf(message) !== 'uploading') for (let n = 1; n <= message.totalChunks; n++) this.#recent.delete(chunkKey(message.messageId, n));
    }
  }
}

/**
 * Chunk 1 is keyed by the message id itself (ids hold no `/`, so it cannot clash): a single-chunk message
 * then looks up a string whose hash is already known, not a new one built for each lookup.
 */
const chunkKey = (id: string, n: number): string => (n === 1 ? id : `${id}/${n}`);

/**
 * Reads from `body` until more than `limit` bytes arrived (then pauses it, the rest unread) or it ended.
 * Plain listeners: an async iterator would cost a promise per piece for the whole of a large body.
 */
function readUpTo(body: Readable, limit: number): Promise<{ held: Buffer[]; size: number; ended: boolean }> {
  return new Promise((resolve, reject) => {
    const held: Buffer[] = [];
    let size = 0;
    const settle = (ended: boolean): void => {
      body.off('data', onData).off('end', onEnd).off('error', reject).off('close', onClose);
      if (!ended) body.pause();
      resolve({ held, size, ended });
    };
    const onData = (piece: Buffer): void => {
      held.push(piece);
      size += piece.length;
      if (size > limit) settle(false);
    };
    const onEnd = (): void => settle(true);
    const onClose = (): void => reject(new Error('the body was cut off'));
    body.on('data', onData).once('end', onEnd).once('error', reject).once('close', onClose);
  });
}
