/**
 * An append-only, checksummed log: the store's commit point. Each record is
 * `[u32 length][u32 crc32][u32 json length][json][bytes]`; a record torn by a crash fails its checksum,
 * and it and everything after it are ignored on replay.
 */
import { closeSync, constants, fdatasync, fstatSync, ftruncateSync, openSync, readSync, writevSync } from 'node:fs';
import { promisify } from 'node:util';
import { crc32 } from 'node:zlib';
import { SharedSync } from './durable.ts';

const fdatasyncAsync = promisify(fdatasync);
const HEADER = 12;

export interface WalRecord {
  json: unknown;
  bytes?: Buffer;
}

/** Where a record's bytes sit in the log file. */
export interface BytesLocation {
  offset: number;
  length: number;
}

export class WalWriter {
  readonly #fd: number;
  /** The end of the intact records: the next append goes here. */
  #size: number;
  readonly #syncs: SharedSync;

  /** Opens the log for appending after its intact prefix (a torn tail is cut off). */
  constructor(path: string, validSize: number) {
    this.#fd = openSync(path, constants.O_RDWR | constants.O_CREAT, 0o600);
    ftruncateSync(this.#fd, validSize);
    this.#size = validSize;
    const fd = this.#fd;
    this.#syncs = new SharedSync(() => fdatasyncAsync(fd));
  }

  /**
   * Appends records and resolves, with where each one's bytes are, once they are on disk. The write itself
   * is synchronous, so appends land in call order; appends made while a sync runs share the next one.
   */
  async append(records: WalRecord[]): Promise<(BytesLocation | undefined)[]> {
    if (records.length === 0) return [];
    const pieces: Buffer[] = [];
    const locations: (BytesLocation | undefined)[] = [];
    let end = this.#size;
    for (const { json, bytes } of records) {
      const text = Buffer.from(JSON.stringify(json));
      const head = Buffer.alloc(HEADER);
      head.writeUInt32LE(4 + text.length + (bytes?.length ?? 0), 0);
      head.writeUInt32LE(bytes ? crc32(bytes, crc32(text)) : crc32(text), 4);
      head.writeUInt32LE(text.length, 8);
      pieces.push(head, text, ...(bytes ? [bytes] : []));
      end += HEADER + text.length;
      locations.push(bytes ? { offset: end, length: bytes.length } : undefined);
      end += bytes?.length ?? 0;
    }
    const written = writevSync(this.#fd, pieces, this.#size);
    if (written !== end - this.#size)
      throw new Error(`short write to the message log: ${written} of ${end - this.#size} bytes`);
    this.#size = end;
    await this.#syncs.sync();
    return locations;
  }

  /** The bytes of a record whose append has resolved. */
  read(location: BytesLocation): Buffer {
    const buffer = Buffer.allocUnsafe(location.length);
    readSync(this.#fd, buffer, 0, location.length, location.offset);
    return buffer;
  }

  /** Waits for the syncs under way and closes the file. */
  async close(): Promise<void> {
    await this.#syncs.sync().catch(() => undefined);
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
      visit(JSON.parse(body.subarray(0, jsonLength).toString('utf8')), {
        offset: at + HEADER + jsonLength,
        length: body.length - jsonLength,
      });
      at += 8 + length;
    }
    return at;
  } finally {
    closeSync(fd);
  }
}
