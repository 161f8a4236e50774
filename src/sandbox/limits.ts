/**
 * Input limits: the mex header lengths of mesh-api-notes 5.1, the per-request body size, and a check that
 * a body sent as `Content-Encoding: gzip` really is gzip (the official sandbox stores garbage and then
 * answers 500 on download; we refuse it at the door instead).
 */
import { Transform, type TransformCallback } from 'node:stream';
import { createGunzip, type Gunzip } from 'node:zlib';
import { HEADER } from '../protocol/index.ts';
import { noteStreamed } from '../runtime/streamed-memory.ts';

/** Longest value each send header may have. */
export const SEND_HEADER_LIMITS: Record<string, number> = {
  [HEADER.to]: 100,
  [HEADER.workflowId]: 300,
  [HEADER.chunkRange]: 20,
  [HEADER.subject]: 500,
  [HEADER.localId]: 300,
  [HEADER.partnerId]: 500,
  [HEADER.fileName]: 300,
  [HEADER.contentEncrypted]: 20,
  [HEADER.contentCompressed]: 20,
  [HEADER.contentChecksum]: 100,
  [HEADER.mexContentType]: 100,
};

export class BodyTooLarge extends Error {
  override name = 'BodyTooLarge';
  constructor(readonly limit: number) {
    super(`request body is larger than ${limit} bytes`);
  }
}

export class BadGzipBody extends Error {
  override name = 'BadGzipBody';
}

/** Counts the bytes passing through (for the journal and streamed-memory's collections); fails with BodyTooLarge past `limit`. */
export class BodyLimit extends Transform {
  bytes = 0;

  constructor(private readonly limit: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    noteStreamed(chunk.length);
    if (this.bytes > this.limit) callback(new BodyTooLarge(this.limit));
    else callback(null, chunk);
  }
}

/** Passes bytes through unchanged while checking that they form a complete gzip stream. */
export class GzipCheck extends Transform {
  readonly #gunzip: Gunzip = createGunzip();
  #failure: Error | undefined;
  /** The callback waiting for the gunzip to drain or end; called at once if the gunzip fails. */
  #waiting: ((error?: Error) => void) | undefined;

  constructor() {
    super();
    this.#gunzip.on('data', () => undefined);
    this.#gunzip.on('error', (error) => {
      this.#failure = new BadGzipBody(
        `Content-Encoding is gzip but the body is not a valid gzip stream (${error.message})`,
      );
      this.#release();
    });
    this.#gunzip.on('drain', () => this.#release());
    this.#gunzip.on('end', () => this.#release());
  }

  #release(): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.(this.#failure);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.#failure) return callback(this.#failure);
    this.push(chunk);
    if (this.#gunzip.write(chunk)) callback();
    else this.#waiting = callback;
  }

  override _flush(callback: TransformCallback): void {
    if (this.#failure) return callback(this.#failure);
    this.#waiting = callback;
    this.#gunzip.end();
  }
}
