/**
 * One attempt at one request: waits for a slot, signs with a fresh NHSMESH token, sends, turns a non-2xx
 * answer or a failed connection into a typed error, and tells the observer what happened, redacted.
 * Repeating is not its business (retry.ts).
 */
import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { request, type Dispatcher } from 'undici';
import { HEADER, HeaderBag, makeAuthToken, MEDIA_V2, parseErrorBody } from '../protocol/index.ts';
import { noteStreamed } from '../runtime/streamed-memory.ts';
import { describeConnectionFailure, MeshError, type ProxyInUse, type RequestContext } from './errors.ts';
import {
  recordableRequestHeaders,
  recordableResponseHeaders,
  type Exchange,
  type ExchangeObserver,
} from './recorder.ts';
import type { RequestQueue } from './request-queue.ts';

/**
 * How much of a response undici buffers before it pauses its parser. undici resumes by reading the whole
 * socket buffer and pushing back what the body stream will not take; a consumer that takes small bites
 * then makes that buffer, and the copy made on every resume, grow with the message (profiled: 36 GB
 * copied for a 200 MB gzip download with a 64 KiB mark behind 16 KiB stream stages). Taking up to 1 MiB a
 * bite keeps each resume larger than one socket read, so the socket buffer stays small.
 */
const RESPONSE_HIGH_WATER_MARK = 1024 * 1024;

/** A request body: bytes in memory, or a stream of known length that can be opened again for a retry. */
export type RequestBody = Buffer | { length: number; open(): Readable };

export interface Call {
  /** What the caller is doing, as a user would say it: `download <id>`, `send chunk 2 of 5 of <id>`. */
  operation: string;
  method: 'GET' | 'POST' | 'PUT' | 'HEAD';
  path: string;
  headers?: Record<string, string>;
  body?: RequestBody;
  /** Safe to repeat: the retry layer may send it again. */
  repeatable: boolean;
}

export interface Response {
  status: number;
  headers: HeaderBag;
  /** The body as it arrives; its slot is freed and its exchange recorded when it ends or is destroyed. */
  body: Readable;
  context: RequestContext;
}

export interface Signer {
  mailboxId: string;
  password: string;
  sharedKey: string;
  clock: () => Date;
}

export interface AttemptSettings {
  baseUrl: string;
  dispatcher: Dispatcher;
  proxy: ProxyInUse | undefined;
  queue: RequestQueue;
  signer: Signer;
  identity: Record<string, string>;
  observer: ExchangeObserver | undefined;
}

export class Attempter {
  #seq = 0;
  constructor(private readonly settings: AttemptSettings) {}

  context(call: Call): RequestContext {
    return {
      operation: call.operation,
      method: call.method,
      path: call.path,
      mailboxId: this.settings.signer.mailboxId,
    };
  }

  /** Attempt number `attempt` of `call`: resolves with a 2xx response, rejects with a MeshClientError. */
  async attempt(call: Call, attempt: number): Promise<Response> {
    const { baseUrl, dispatcher, proxy, queue, signer, identity, observer } = this.settings;
    const context = this.context(call);
    const release = await queue.acquire();
    const started = Date.now();
    const headers: Record<string, string> = {
      ...identity,
      [HEADER.accept]: MEDIA_V2,
      ...call.headers,
      [HEADER.authorization]: makeAuthToken({
        sharedKey: signer.sharedKey,
        mailboxId: signer.mailboxId,
        password: signer.password,
        time: signer.clock(),
      }),
    };
    const sent = prepareBody(call.body, observer !== undefined);
    if (sent.length !== undefined) headers[HEADER.contentLength] = String(sent.length);
    const record = (fields: Partial<Exchange> & Pick<Exchange, 'status'>) =>
      observer?.({
        seq: ++this.#seq,
        mailboxId: signer.mailboxId,
        startedAt: new Date(started).toISOString(),
        method: call.method,
        path: call.path,
        durationMs: Date.now() - started,
        attempt,
        requestHeaders: recordableRequestHeaders(headers),
        responseHeaders: {},
        bytesSent: sent.count(),
        bytesReceived: 0,
        ...(sent.length !== undefined && sent.length > 0 ? { sentSha256: sent.sha256() } : {}),
        ...fields,
      });

    let res: Dispatcher.ResponseData;
    try {
      res = await request(`${baseUrl}${call.path}`, {
        dispatcher,
        method: call.method,
        headers,
        body: sent.stream ?? null,
        highWaterMark: RESPONSE_HIGH_WATER_MARK,
      });
    } catch (error) {
      release();
      const failure = describeConnectionFailure(error, context, baseUrl, proxy);
      record({ status: 0, error: failure.message });
      throw failure;
    }
    const responseHeaders = new HeaderBag(res.headers as Record<string, string | string[] | undefined>);
    const recordedResponse = recordableResponseHeaders(responseHeaders.toObject());
    if (res.statusCode < 200 || res.statusCode >= 300) {
      const text = await res.body.text().catch(() => '');
      release();
      const error = new MeshError(res.statusCode, parseErrorBody(text), context, responseHeaders.get('retry-after'));
      record({
        status: res.statusCode,
        responseHeaders: recordedResponse,
        bytesReceived: Buffer.byteLength(text),
        error: error.message,
      });
      throw error;
    }
    const finish = (received: number, digest: string | undefined, error?: Error) => {
      release();
      record({
        status: res.statusCode,
        responseHeaders: recordedResponse,
        bytesReceived: received,
        ...(digest !== undefined && received > 0 ? { receivedSha256: digest } : {}),
        ...(error ? { error: error.message } : {}),
      });
    };
    const body = Readable.from(measured(res.body, observer !== undefined, finish), { objectMode: false });
    return { status: res.statusCode, headers: responseHeaders, body, context };
  }
}

/**
 * The response body, counted (and digested when someone records it) as it passes. Iterating takes all
 * that undici has buffered at each step (see RESPONSE_HIGH_WATER_MARK). `finish` runs once: at the end,
 * on an error, or when the reader stops early.
 */
async function* measured(
  source: Readable,
  digesting: boolean,
  finish: (received: number, digest: string | undefined, error?: Error) => void,
): AsyncGenerator<Buffer> {
  const digest = digesting ? createHash('sha256') : undefined;
  let received = 0;
  let outcome: Error | undefined = new Error('response body was not read to the end');
  try {
    for await (const piece of source as AsyncIterable<Buffer>) {
      digest?.update(piece);
      received += piece.length;
      noteStreamed(piece.length);
      yield piece;
    }
    outcome = undefined;
  } catch (error) {
    outcome = error as Error;
    throw error;
  } finally {
    finish(received, digest?.digest('hex'), outcome);
  }
}

/**
 * The request body for one attempt, with its length and a count of what was actually sent; its digest
 * only when `measured` (an exchange observer listens): hashing every byte for a record nobody reads would
 * cost a third of a large send's CPU.
 */
function prepareBody(
  body: RequestBody | undefined,
  measured: boolean,
): { stream: Buffer | Readable | undefined; length: number | undefined; count(): number; sha256(): string } {
  if (body === undefined) return { stream: undefined, length: undefined, count: () => 0, sha256: () => '' };
  if (Buffer.isBuffer(body))
    return {
      stream: body,
      length: body.length,
      count: () => body.length,
      sha256: () => createHash('sha256').update(body).digest('hex'),
    };
  const digest = createHash('sha256');
  let count = 0;
  const stream = body.open().pipe(
    new Transform({
      transform(piece: Buffer, _enc, cb) {
        if (measured) digest.update(piece);
        count += piece.length;
        noteStreamed(piece.length);
        cb(null, piece);
      },
    }),
  );
  return { stream, length: body.length, count: () => count, sha256: () => digest.copy().digest('hex') };
}
