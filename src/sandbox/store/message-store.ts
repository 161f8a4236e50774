/**
 * Messages on disk, with an in-memory index for speed. The disk is the truth: `<id>.json` (metadata) and
 * `<id>.<n>.chunk` (chunk n, bytes exactly as uploaded) in one directory, each written atomically and
 * durably before a request that changed it is answered. On start everything is reloaded from there.
 */
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { makeMessageId } from '../../protocol/index.ts';
import { DirSyncer, TMP_SUFFIX, writeFileDurably } from './durable.ts';
import { statusOf, type StoredMessage } from './message.ts';

export class MessageStore {
  readonly #dir: string;
  readonly #syncer: DirSyncer;
  readonly #byId = new Map<string, StoredMessage>();
  /** Accepted messages per recipient, in delivery order (Map keeps insertion order). */
  readonly #inboxes = new Map<string, Map<string, StoredMessage>>();
  /** Per-message chain of metadata writes, so two requests never race a rename of the same file. */
  readonly #writes = new Map<string, Promise<void>>();
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
    const names = await readdir(this.#dir);
    const loaded: StoredMessage[] = [];
    for (const name of names) {
      if (name.endsWith(TMP_SUFFIX)) await rm(join(this.#dir, name), { force: true }); // a write the crash interrupted
      else if (name.endsWith('.json')) loaded.push(JSON.parse(await readFile(join(this.#dir, name), 'utf8')) as StoredMessage);
    }
    // Chunks whose message metadata was never written belong to a send that was never answered 202.
    const known = new Set(loaded.map((m) => m.messageId));
    for (const name of names) {
      if (name.endsWith('.chunk') && !known.has(name.slice(0, name.indexOf('.')))) await rm(join(this.#dir, name), { force: true });
    }
    loaded.sort((a, b) => (a.deliverySeq ?? 0) - (b.deliverySeq ?? 0));
    for (const message of loaded) {
      this.#byId.set(message.messageId, message);
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

  chunkPath(id: string, chunk: number): string {
    return join(this.#dir, `${id}.${chunk}.chunk`);
  }

  /** Streams a chunk's bytes to disk (durably, atomically); returns its size. Not indexed until save(). */
  async writeChunk(id: string, chunk: number, body: Readable): Promise<number> {
    const size = await writeFileDurably(this.chunkPath(id, chunk), body);
    await this.#syncer.sync();
    return size;
  }

  readChunk(id: string, chunk: number): Readable {
    return createReadStream(this.chunkPath(id, chunk));
  }

  /** Removes a chunk file left behind by an upload that failed before its metadata was saved. */
  async discardChunk(id: string, chunk: number): Promise<void> {
    if (!this.#byId.has(id)) await rm(this.chunkPath(id, chunk), { force: true });
  }

  /**
   * Records the message's current state: the in-memory index at once, the disk before the promise
   * resolves. Writes of one message are serialised and each writes the newest state.
   */
  save(message: StoredMessage): Promise<void> {
    this.#byId.set(message.messageId, message);
    this.#index(message);
    const id = message.messageId;
    const write = (this.#writes.get(id) ?? Promise.resolve())
      .catch(() => undefined)
      .then(async () => {
        await writeFileDurably(join(this.#dir, `${id}.json`), JSON.stringify(message));
        await this.#syncer.sync();
      });
    this.#writes.set(id, write);
    void write.finally(() => {
      if (this.#writes.get(id) === write) this.#writes.delete(id);
    }).catch(() => undefined);
    return write;
  }

  /** Deletes messages for good (admin reset). */
  async delete(ids: Iterable<string>): Promise<void> {
    for (const id of ids) {
      const message = this.#byId.get(id);
      if (!message) continue;
      this.#byId.delete(id);
      this.#inboxes.get(message.recipient)?.delete(id);
      await this.#writes.get(id)?.catch(() => undefined);
      await rm(join(this.#dir, `${id}.json`), { force: true });
      for (let n = 1; n <= message.totalChunks; n++) await rm(this.chunkPath(id, n), { force: true });
    }
    await this.#syncer.sync();
  }

  #index(message: StoredMessage): void {
    let inbox = this.#inboxes.get(message.recipient);
    if (statusOf(message) === 'accepted') {
      if (!inbox) this.#inboxes.set(message.recipient, (inbox = new Map()));
      if (!inbox.has(message.messageId)) inbox.set(message.messageId, message);
    } else {
      inbox?.delete(message.messageId);
    }
  }
}
