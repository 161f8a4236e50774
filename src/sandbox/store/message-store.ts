/**
 * What the sandbox needs from its store: messages by id and by inbox, and their chunks' bytes. The one
 * implementation, with its durability rule, is log-store.ts; the MESH rules that change messages
 * (delivery, acknowledgement, expiry, deletion) are in lifecycle.ts and the routes.
 */
import type { Readable } from 'node:stream';
import type { StoredMessage } from './message.ts';

export interface MessageStore {
  get(id: string): StoredMessage | undefined;
  all(): Iterable<StoredMessage>;
  /** Accepted messages addressed to `mailbox`, oldest delivery first. */
  inbox(mailbox: string): ReadonlyMap<string, StoredMessage>;
  /** Commits the message as it is now, with the chunks written for it since its last save. */
  save(message: StoredMessage): Promise<void>;
  /** Deletes messages and their chunks for good. */
  delete(ids: Iterable<string>): Promise<void>;
  /** Takes chunk `n` of a message; it is committed by the message's next save. Resolves with its size. */
  writeChunk(id: string, n: number, body: Readable | Buffer): Promise<number>;
  readChunk(id: string, n: number): Promise<Readable | Buffer>;
  /** Forgets a chunk written for a send that then failed. */
  discardChunk(id: string, n: number): Promise<void>;
  close(): Promise<void>;
}
