/**
 * The request journal: one entry per request, what an assessor looks for in server logs (handshake first,
 * inbox polled, download then acknowledge). Kept in memory and appended to journal.jsonl in the data dir.
 * It holds no secret: never the Authorization header or its HMAC, passwords or the shared key.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';

export interface JournalEntry {
  /** ISO time (sandbox clock) the request arrived. */
  time: string;
  mailbox?: string;
  method: string;
  /** Path and query string. */
  path: string;
  status: number;
  durationMs: number;
  token?: { nonce: string; nonceCount: string; timestamp: string };
  headers: Record<string, string>;
  bytesIn: number;
  bytesOut: number;
  messageId?: string;
}

export interface JournalFilter {
  mailbox?: string;
  since?: Date;
  until?: Date;
}

const JOURNALLED_HEADERS = new Set(['accept', 'accept-encoding', 'content-encoding', 'content-type', 'content-length', 'user-agent']);

/** The request headers worth journalling: the ones above and every mex-* header (names already lower case). */
export function journalHeaders(headers: Iterable<[string, string]>): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const [name, value] of headers) if (JOURNALLED_HEADERS.has(name) || name.startsWith('mex-')) picked[name] = value;
  return picked;
}

/** Lines are written in batches, so journalling costs the disk one write per batch, not one per request. */
const FLUSH_MS = 50;
/**
 * Entries kept in memory by default: the most recent ones (journal.jsonl keeps them all). Plenty for a
 * witness run or a day of polling, and a bound (about 30 MB) for a sandbox left serving for weeks.
 */
export const JOURNAL_MEMORY_ENTRIES = 20_000;

/** A request's place in the journal, taken when it arrives and filled when its response is done. */
export type JournalSlot = number;

export class Journal {
  /** In arrival order: a slot stays empty while its request is in flight. */
  readonly #entries: (JournalEntry | undefined)[] = [];
  /** The slot number of #entries[0]: earlier ones have been let go from memory. */
  #first = 0;
  readonly #capacity: number;
  readonly #file: WriteStream | undefined;
  #batch: string[] = [];
  #timer: NodeJS.Timeout | undefined;

  /** `capacity`: entries kept in memory (Infinity keeps every one). */
  constructor(dataDir: string | undefined, capacity = JOURNAL_MEMORY_ENTRIES) {
    this.#capacity = capacity;
    this.#file = dataDir ? createWriteStream(join(dataDir, 'journal.jsonl'), { flags: 'a' }) : undefined;
    this.#file?.on('error', () => undefined); // a full disk must not take the server down
  }

  /**
   * Reserves the arriving request's place. Responses can finish out of order (a large download's last
   * write completes after the client has already sent its acknowledgement), but the journal must read in
   * the order requests arrived, as a server log does.
   */
  reserve(): JournalSlot {
    // At capacity the oldest tenth goes at once: one splice per many requests, not one each.
    if (this.#entries.length >= this.#capacity) {
      const drop = Math.ceil(this.#capacity / 10);
      this.#entries.splice(0, drop);
      this.#first += drop;
    }
    return this.#first + this.#entries.push(undefined) - 1;
  }

  /** Records a finished request in its reserved place; the JSONL file is appended in completion order. */
  fill(slot: JournalSlot, entry: JournalEntry): void {
    if (slot >= this.#first) this.#entries[slot - this.#first] = entry;
    if (!this.#file) return;
    this.#batch.push(`${JSON.stringify(entry)}\n`);
    this.#timer ??= setTimeout(() => this.#flush(), FLUSH_MS);
  }

  /** How many of the earliest requests are no longer in memory (journal.jsonl still has them). */
  get dropped(): number {
    return this.#first;
  }

  #flush(): void {
    this.#timer = undefined;
    if (this.#batch.length > 0) this.#file?.write(this.#batch.join(''));
    this.#batch = [];
  }

  entries(filter: JournalFilter = {}): JournalEntry[] {
    const since = filter.since?.getTime() ?? -Infinity;
    const until = filter.until?.getTime() ?? Infinity;
    return this.#entries.filter((e): e is JournalEntry => {
      if (e === undefined) return false;
      const t = Date.parse(e.time);
      return (filter.mailbox === undefined || e.mailbox === filter.mailbox) && t >= since && t <= until;
    });
  }

  close(): Promise<void> {
    clearTimeout(this.#timer);
    this.#flush();
    return new Promise((resolve) => (this.#file ? this.#file.end(resolve) : resolve()));
  }
}
