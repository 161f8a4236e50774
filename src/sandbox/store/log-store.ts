/**
 * The message store: messages and their chunks in `<data dir>/messages`, indexed in memory.
 *
 * Durability, the one rule: a change is answered, and seen by other requests, only once it is on disk.
 * save() appends the message's snapshot, with the chunks written for it since its last save, as one
 * record of messages.log and resolves after fdatasync. A chunk up to 256 KiB travels inside that record;
 * a larger one was already written to `<id>.<n>.chunk` by writeChunk (fdatasynced, renamed into place,
 * directory synced). A crash at any point leaves each message as it was last saved: a record torn by it is
 * ignored, and chunk files no record names are deleted at start, when the log is rewritten with only the
 * live messages.
 */
import { createReadStream } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { DirSyncer, TMP_SUFFIX, writeFileDurably } from './durable.ts';
import type { MessageStore } from './message-store.ts';
import { statusOf, type StoredMessage } from './message.ts';
import { replayWal, WalWriter, type BytesLocation, type WalRecord } from './wal.ts';

/** Chunks up to this size are kept in the log rather than in files of their own. */
const INLINE_LIMIT = 256 * 1024;
const LOG = 'messages.log';

type ChunkPlace = { inline: BytesLocation } | { file: true };
type LogEntry =
  | { t: 'message'; message: StoredMessage }
  | { t: 'chunk'; id: string; n: number; file?: true }
  | { t: 'delete'; id: string };

const chunkKey = (id: string, n: number): string => `${id}/${n}`;

export async function openLogStore(dataDir: string): Promise<MessageStore> {
  const dir = join(dataDir, 'messages');
  await mkdir(dir, { recursive: true });
  const store = new LogStore(dir, new DirSyncer(dir));
  await store.load();
  return store;
}

class LogStore implements MessageStore {
  #wal!: WalWriter;
  readonly #byId = new Map<string, StoredMessage>();
  /** Accepted messages per recipient, in delivery order (a Map keeps insertion order). */
  readonly #inboxes = new Map<string, Map<string, StoredMessage>>();
  readonly #chunks = new Map<string, ChunkPlace>();
  /** Chunks written but not yet committed: they go into the log with the message's next save. */
  readonly #pending = new Map<string, WalRecord[]>();
  /** Messages deleted for good: a request still holding one must not write it back. */
  readonly #deleted = new WeakSet<StoredMessage>();

  constructor(
    private readonly dir: string,
    private readonly dirSync: DirSyncer,
  ) {}

  /** Replays the log, then rewrites it with only the live messages and deletes chunk files it does not name. */
  async load(): Promise<void> {
    const path = join(this.dir, LOG);
    replayWal(path, (json, bytes) => {
      const entry = json as LogEntry;
      if (entry.t === 'message') this.#byId.set(entry.message.messageId, entry.message);
      else if (entry.t === 'chunk')
        this.#chunks.set(chunkKey(entry.id, entry.n), entry.file ? { file: true } : { inline: bytes });
      else this.#byId.delete(entry.id);
    });
    const old = new WalWriter(
      path,
      replayWal(path, () => undefined),
    );
    const compacted = `${path}.compact${TMP_SUFFIX}`;
    await rm(compacted, { force: true });
    const fresh = new WalWriter(compacted, 0);
    const live = [...this.#byId.values()];
    const records = live.flatMap((message) => this.#recordsOf(message, old));
    this.#chunks.clear();
    this.#place(await fresh.append(records), records);
    await Promise.all([old.close(), fresh.close()]);
    await rename(compacted, path);
    await this.dirSync.sync();
    this.#wal = new WalWriter(
      path,
      replayWal(path, () => undefined),
    );

    // Chunk files no record names belong to sends never answered 202, or to deleted messages.
    for (const name of await readdir(this.dir)) {
      const chunk = /^(.+)\.(\d+)\.chunk$/.exec(name);
      if (name.endsWith(TMP_SUFFIX) || (chunk && !this.#chunks.has(chunkKey(chunk[1]!, Number(chunk[2])))))
        await rm(join(this.dir, name), { force: true });
    }
    for (const message of live.sort((a, b) => (a.deliverySeq ?? 0) - (b.deliverySeq ?? 0))) this.#index(message);
  }

  /** A live message's records for the compacted log: its chunks, then its snapshot. */
  #recordsOf(message: StoredMessage, old: WalWriter): WalRecord[] {
    const records: WalRecord[] = [];
    for (let n = 1; n <= message.totalChunks; n++) {
      const place = this.#chunks.get(chunkKey(message.messageId, n));
      if (!place) continue;
      const json = { t: 'chunk', id: message.messageId, n };
      records.push('file' in place ? { json: { ...json, file: true } } : { json, bytes: old.read(place.inline) });
    }
    return [...records, { json: { t: 'message', message } }];
  }

  /** Notes where the chunks of committed records are. */
  #place(locations: (BytesLocation | undefined)[], records: WalRecord[]): void {
    records.forEach((record, i) => {
      const entry = record.json as LogEntry;
      if (entry.t === 'chunk')
        this.#chunks.set(chunkKey(entry.id, entry.n), entry.file ? { file: true } : { inline: locations[i]! });
    });
  }

  get(id: string): StoredMessage | undefined {
    return this.#byId.get(id);
  }

  all(): Iterable<StoredMessage> {
    return this.#byId.values();
  }

  inbox(mailbox: string): ReadonlyMap<string, StoredMessage> {
    return this.#inboxes.get(mailbox) ?? new Map();
  }

  #chunkPath(id: string, n: number): string {
    return join(this.dir, `${id}.${n}.chunk`);
  }

  async writeChunk(id: string, n: number, body: Readable | Buffer): Promise<number> {
    let record: WalRecord;
    let size: number;
    if (Buffer.isBuffer(body) && body.length <= INLINE_LIMIT) {
      record = { json: { t: 'chunk', id, n }, bytes: body };
      size = body.length;
    } else {
      size = await writeFileDurably(this.#chunkPath(id, n), body);
      await this.dirSync.sync();
      record = { json: { t: 'chunk', id, n, file: true } };
    }
    this.#pending.set(id, [...(this.#pending.get(id) ?? []), record]);
    return size;
  }

  async readChunk(id: string, n: number): Promise<Readable | Buffer> {
    const place = this.#chunks.get(chunkKey(id, n));
    if (place && 'inline' in place) return this.#wal.read(place.inline);
    return createReadStream(this.#chunkPath(id, n));
  }

  async discardChunk(id: string, n: number): Promise<void> {
    this.#pending.delete(id);
    if (!this.#byId.has(id)) await rm(this.#chunkPath(id, n), { force: true });
  }

  async save(message: StoredMessage): Promise<void> {
    if (this.#deleted.has(message)) return;
    const id = message.messageId;
    const records = [...(this.#pending.get(id) ?? []), { json: { t: 'message', message } }];
    this.#pending.delete(id);
    this.#place(await this.#wal.append(records), records);
    this.#byId.set(id, message);
    this.#index(message);
  }

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
        const place = this.#chunks.get(chunkKey(message.messageId, n));
        this.#chunks.delete(chunkKey(message.messageId, n));
        if (place && 'file' in place) await rm(this.#chunkPath(message.messageId, n), { force: true });
      }
    }
  }

  close(): Promise<void> {
    return this.#wal.close();
  }

  #index(message: StoredMessage): void {
    let inbox = this.#inboxes.get(message.recipient);
    if (statusOf(message) !== 'accepted') inbox?.delete(message.messageId);
    else {
      if (!inbox) this.#inboxes.set(message.recipient, (inbox = new Map()));
      if (!inbox.has(message.messageId)) inbox.set(message.messageId, message);
    }
  }
}
