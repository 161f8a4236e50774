/**
 * The request journal: one entry per request, what an assessor looks for in server logs (handshake first,
 * inbox polled, download then acknowledge). Kept in memory and appended to journal.jsonl in the data dir.
 * It holds no secret: never the Authorization header or its HMAC, passwords or the shared key. On start,
 * the tokens of its last hours are read back, so that a restart does not forget which tokens were used.
 */
import { closeSync, createWriteStream, fstatSync, openSync, readSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { AnswerFacts } from '../protocol/index.ts';

export interface JournalEntry {
  /** ISO time (sandbox clock) the request arrived. */
  time: string;
  mailbox?: string;
  method: string;
  /** Path and query string. */
  path: string;
  status: number;
  durationMs: number;
  /** `used` is false when the token was refused before it could count as used (a bad HMAC, say). */
  token?: { nonce: string; nonceCount: string; timestamp: string; used: boolean };
  headers: Record<string, string>;
  bytesIn: number;
  bytesOut: number;
  messageId?: string;
  /** A download's or HEAD's answer: the message type, a REPORT's linked id and status (mex-* headers). */
  answer?: AnswerFacts;
}

export interface JournalFilter {
  mailbox?: string;
  since?: Date;
  until?: Date;
}

const JOURNAL_FILE = 'journal.jsonl';
const JOURNALLED_HEADERS = new Set([
  'accept',
  'accept-encoding',
  'content-encoding',
  'content-type',
  'content-length',
  'user-agent',
]);

/** The request headers worth journalling: the ones above and every mex-* header (names already lower case). */
export function journalHeaders(headers: Iterable<[string, string]>): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const [name, value] of headers)
    if (JOURNALLED_HEADERS.has(name) || name.startsWith('mex-')) picked[name] = value;
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
  #watchers: ((entry: JournalEntry) => void)[] = [];

  /** `capacity`: entries kept in memory (Infinity keeps every one); `fileName`: the JSONL file in `dataDir` (the relay names its own). */
  constructor(dataDir: string | undefined, capacity = JOURNAL_MEMORY_ENTRIES, fileName = JOURNAL_FILE) {
    this.#capacity = capacity;
    this.#file = dataDir ? createWriteStream(join(dataDir, fileName), { flags: 'a' }) : undefined;
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

  /** Calls `watcher` with each entry as it is recorded, in completion order (the relay's live view). */
  watch(watcher: (entry: JournalEntry) => void): void {
    this.#watchers.push(watcher);
  }

  /** Records a finished request in its reserved place; the JSONL file is appended in completion order. */
  fill(slot: JournalSlot, entry: JournalEntry): void {
    if (slot >= this.#first) this.#entries[slot - this.#first] = entry;
    for (const watcher of this.#watchers) watcher(entry);
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

/** A token as the journal recorded it, with the sandbox time its request arrived. */
export interface JournalledToken {
  mailboxId: string;
  nonce: string;
  nonceCount: string;
  arrivedMs: number;
}

/** The file is read backwards in blocks of this size. */
const TAIL_BLOCK_BYTES = 256 * 1024;
/** Lines go in when requests finish: a long upload's line can follow later arrivals by this much. */
const COMPLETION_LAG_MS = 60 * 60 * 1000;

/**
 * The used tokens of requests that arrived at or after `sinceMs`, oldest first, read from the end of
 * journal.jsonl back to where lines are older (so a journal of weeks costs no more than its last hours).
 * A line torn by a crash is skipped.
 */
export function tokensJournalledSince(dataDir: string, sinceMs: number): JournalledToken[] {
  let fd: number;
  try {
    fd = openSync(join(dataDir, JOURNAL_FILE), 'r');
  } catch {
    return [];
  }
  const found: JournalledToken[] = [];
  try {
    let end = fstatSync(fd).size;
    let partial = Buffer.alloc(0); // a line's end, read with the block after the one holding its start
    reading: while (end > 0) {
      const start = Math.max(0, end - TAIL_BLOCK_BYTES);
      const block = Buffer.allocUnsafe(end - start);
      readSync(fd, block, 0, block.length, start);
      end = start;
      const text = Buffer.concat([block, partial]);
      // Up to the first line break is the end of a line that starts in an earlier block (unless this one
      // starts the file). `partial` ends with its line break, so only a torn last line can lack one: with
      // no break at all, the block is that line's middle, skipped like the rest of it.
      const whole = start === 0 ? 0 : text.indexOf(10) + 1;
      partial = text.subarray(0, whole);
      const lines = text.subarray(whole).toString('utf8').split('\n');
      for (let i = lines.length - 1; i >= 0; i--) {
        const entry = parseLine(lines[i]!);
        if (!entry) continue;
        const arrivedMs = Date.parse(entry.time);
        if (arrivedMs < sinceMs - COMPLETION_LAG_MS) break reading;
        // Lines written before `used` existed have none: taken as used, as they were then.
        if (arrivedMs >= sinceMs && entry.token && entry.token.used !== false)
          found.push({
            mailboxId: entry.mailbox ?? '',
            nonce: entry.token.nonce,
            nonceCount: entry.token.nonceCount,
            arrivedMs,
          });
      }
    }
  } finally {
    closeSync(fd);
  }
  return found.sort((a, b) => a.arrivedMs - b.arrivedMs);
}

function parseLine(line: string): JournalEntry | undefined {
  if (line === '') return undefined;
  try {
    return JSON.parse(line) as JournalEntry;
  } catch {
    return undefined;
  }
}
