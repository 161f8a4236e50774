/**
 * The MESH API v2 client: one method per endpoint, a fresh NHSMESH token on every request, streaming
 * chunked send and receive, retries only where repeating is safe, typed errors, and an exchange observer
 * that sees every request already redacted. It knows nothing of Playwright.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { createGunzip, createGzip, gzip } from 'node:zlib';
import type { Agent } from 'undici';
import { request } from 'undici';
import {
  assertV2Body,
  formatChunkRange,
  H,
  HeaderBag,
  makeAuthToken,
  MEDIA_V2,
  parseErrorBody,
  SchemaViolation,
  type InboxBody,
  type MailboxListBody,
  type TrackingBody,
  type V2Bodies,
  type V2BodyName,
} from '../protocol/index.ts';
import { noteStreamed } from '../runtime/streamed-memory.ts';
import { readAll, type ChunkSource } from './chunk-source.ts';
import { clientIdentityHeaders } from './client-identity.ts';
import { describeConnectionFailure, MeshError, MeshProtocolError, type RequestContext } from './errors.ts';
import { readMetadata, type MessageMetadata } from './metadata.ts';
import { recordableRequestHeaders, recordableResponseHeaders, type Exchange, type ExchangeObserver } from './recorder.ts';
import { RequestQueue } from './request-queue.ts';
import { backoffDelay, DEFAULT_RETRY, isRetryableStatus, sleep, type RetryPolicy } from './retry.ts';
import { createAgent, type TransportOptions } from './transport.ts';

/** The largest request MESH accepts (100 MB); a chunk may not be bigger. */
export const MAX_CHUNK_BYTES = 100_000_000;
export const DEFAULT_CHUNK_BYTES = 20 * 1024 * 1024;

const gzipAsync = promisify(gzip);

export interface MeshClientOptions extends TransportOptions {
  baseUrl: string;
  mailboxId: string;
  password: string;
  sharedKey: string;
  retry?: Partial<RetryPolicy>;
  /** Requests in flight at once; 1 (the default) is MESH's "one thread per mailbox". */
  concurrency?: number;
  onExchange?: ExchangeObserver;
  /** Validate every v2 JSON body against our schemas (default true). */
  validateResponses?: boolean;
  /** Name in `mex-clientversion` (`<name>==<version>`). */
  clientName?: string;
  /** Share one Agent between clients; the client then does not close it. */
  agent?: Agent;
  /**
   * The time tokens are signed with (default: this machine's clock). A test world whose server clock was
   * moved on, such as the sandbox after "five days pass", gives the client that world's time too.
   */
  clock?: () => Date;
}

export interface OutgoingMessage {
  to: string;
  workflowId: string;
  subject?: string;
  localId?: string;
  partnerId?: string;
  fileName?: string;
  checksum?: string;
  /** The content type of the whole message (sent as mex-content-type on chunked messages). */
  contentType?: string;
  /** The sender's flag that the content is encrypted (`mex-content-encrypted`). */
  encrypted?: boolean;
  /** The sender's flag that the content itself is compressed (`mex-content-compressed`). */
  compressed?: boolean;
  /** Gzip each request body on the wire (`Content-Encoding: gzip`), chunk by chunk. */
  gzip?: boolean;
}

export interface SendResult {
  messageId: string;
  chunks: number;
  /** Uncompressed size and digest of the content, computed while sending. */
  bytes: number;
  sha256: string;
}

export interface TransferProgress {
  messageId: string | undefined;
  chunk: number;
  chunks: number;
  bytesDone: number;
  bytesTotal: number | undefined;
}

export interface ChunkedSendOptions {
  chunkSize?: number;
  onProgress?: (progress: TransferProgress) => void;
}

export interface DownloadOptions {
  /** Ask for gzip on the wire (default true); every chunk is decoded by its own Content-Encoding. */
  acceptGzip?: boolean;
  onProgress?: (progress: TransferProgress) => void;
}

export interface Download {
  metadata: MessageMetadata;
  /** The whole message, chunks fetched as it is read, decoded. */
  body: Readable;
}

export interface InboxPageOptions {
  maxResults?: number;
  workflowFilter?: string;
  /** A `links.next` path from the previous page. */
  next?: string;
}

/** A request body: bytes in memory, or a stream of known length that can be opened again for a retry. */
export type RequestBody = Buffer | { length: number; open(): Readable };

interface Call {
  method: 'GET' | 'POST' | 'PUT' | 'HEAD';
  path: string;
  headers?: Record<string, string>;
  body?: RequestBody;
  retry: boolean;
}

interface Response {
  status: number;
  headers: HeaderBag;
  body: Readable;
  context: RequestContext;
}

export class MeshClient {
  readonly mailboxId: string;
  readonly baseUrl: string;
  readonly #password: string;
  readonly #sharedKey: string;
  readonly #agent: Agent;
  readonly #ownsAgent: boolean;
  readonly #queue: RequestQueue;
  readonly #retry: RetryPolicy;
  readonly #observer: ExchangeObserver | undefined;
  readonly #validate: boolean;
  readonly #identity: Record<string, string>;
  readonly #clock: () => Date;
  #seq = 0;

  constructor(options: MeshClientOptions) {
    this.mailboxId = options.mailboxId.toUpperCase();
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#password = options.password;
    this.#sharedKey = options.sharedKey;
    this.#ownsAgent = !options.agent;
    this.#agent = options.agent ?? createAgent(options);
    this.#queue = new RequestQueue(options.concurrency ?? 1);
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
    this.#observer = options.onExchange;
    this.#validate = options.validateResponses ?? true;
    this.#identity = clientIdentityHeaders(options.clientName);
    this.#clock = options.clock ?? (() => new Date());
  }

  async close(): Promise<void> {
    if (this.#ownsAgent) await this.#agent.close();
  }

  #mailboxPath(suffix = ''): string {
    return `/messageexchange/${encodeURIComponent(this.mailboxId)}${suffix}`;
  }

  /** Validate the mailbox: once a day, before other calls. */
  async handshake(): Promise<void> {
    const res = await this.#call({ method: 'POST', path: this.#mailboxPath(), retry: true });
    await this.#drain(res);
  }

  /** Sends a message in one request (the body must fit one request: at most 100 MB on the wire). */
  async send(message: OutgoingMessage, body: Uint8Array | string): Promise<SendResult> {
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    const wire = message.gzip ? await gzipAsync(bytes) : bytes;
    if (wire.length > MAX_CHUNK_BYTES) throw new Error(`the message is ${wire.length} bytes, over MESH's 100 MB per request: use sendChunked`);
    const messageId = await this.#sendFirst(message, wire, 1, message.contentType);
    return { messageId, chunks: 1, bytes: bytes.length, sha256: sha256(bytes) };
  }

  /**
   * Sends a message of any size as chunks of `chunkSize` uncompressed bytes (default 20 MiB, at most
   * 100 MB), each gzipped on its own when `gzip` is set. Chunk 1 goes to /outbox and is never retried
   * (a retry could send the message twice); chunks 2..N are retried on 5xx, 429 and connection errors.
   */
  async sendChunked(message: OutgoingMessage, source: ChunkSource, options: ChunkedSendOptions = {}): Promise<SendResult> {
    const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_BYTES;
    if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > MAX_CHUNK_BYTES) {
      throw new Error(`chunk size ${chunkSize} is out of range: use 1 byte to 100 MB (MESH's per-request limit); the default is 20 MiB`);
    }
    const total = Math.max(1, Math.ceil(source.size / chunkSize));
    const digest = new RangeDigest();
    const spool = await ChunkSpool.open();
    try {
      let messageId: string | undefined;
      for (let n = 1; n <= total; n += 1) {
        const start = (n - 1) * chunkSize;
        const end = Math.min(source.size, start + chunkSize);
        const body = await prepareChunk(source, start, end, Boolean(message.gzip), digest, spool);
        if (n === 1) {
          // Metadata of a chunked message travels on chunk 1; its content type goes in mex-content-type.
          messageId = await this.#sendFirst(message, body, total, total > 1 ? 'application/octet-stream' : message.contentType);
        } else {
          await this.sendChunk(messageId!, n, total, body, { gzip: message.gzip });
        }
        options.onProgress?.({ messageId, chunk: n, chunks: total, bytesDone: end, bytesTotal: source.size });
      }
      if (digest.position !== source.size) throw new Error(`the source gave ${digest.position} bytes, but declared ${source.size}`);
      return { messageId: messageId!, chunks: total, bytes: source.size, sha256: digest.hex() };
    } finally {
      await spool.remove();
    }
  }

  /** Uploads chunk n (2..N) of a message whose chunk 1 was accepted; `body` is sent as it is. */
  async sendChunk(messageId: string, chunk: number, total: number, body: RequestBody, options: { gzip?: boolean } = {}): Promise<void> {
    const headers: Record<string, string> = {
      [H.chunkRange]: formatChunkRange({ chunk, total }),
      [H.contentType]: 'application/octet-stream',
    };
    if (options.gzip) headers[H.contentEncoding] = 'gzip';
    const res = await this.#call({ method: 'POST', path: this.#mailboxPath(`/outbox/${encodeURIComponent(messageId)}/${chunk}`), headers, body, retry: true });
    // Official servers disagree on this body (`null`, v1 or v2 shape): read it, depend on nothing in it.
    await this.#drain(res);
  }

  async #sendFirst(message: OutgoingMessage, wire: RequestBody, total: number, contentType: string | undefined): Promise<string> {
    const headers: Record<string, string> = {
      [H.to]: message.to.trim().toUpperCase(),
      [H.workflowId]: message.workflowId,
      [H.chunkRange]: formatChunkRange({ chunk: 1, total }),
      [H.contentType]: contentType ?? 'application/octet-stream',
    };
    const optional: [string, string | undefined][] = [
      [H.subject, message.subject],
      [H.localId, message.localId],
      [H.partnerId, message.partnerId],
      [H.fileName, message.fileName],
      [H.contentChecksum, message.checksum],
      [H.mexContentType, total > 1 ? message.contentType : undefined],
      [H.contentEncrypted, message.encrypted === undefined ? undefined : message.encrypted ? 'Y' : 'N'],
      [H.contentCompressed, message.compressed === undefined ? undefined : message.compressed ? 'Y' : 'N'],
      [H.contentEncoding, message.gzip ? 'gzip' : undefined],
    ];
    for (const [name, value] of optional) if (value !== undefined) headers[name] = value;
    const res = await this.#call({ method: 'POST', path: this.#mailboxPath('/outbox'), headers, body: wire, retry: false });
    return (await this.#json(res, 'send')).message_id;
  }

  /** One page of the inbox: at most `maxResults` (10..5000, default 500) ids of messages ready to download. */
  async listInbox(options: InboxPageOptions = {}): Promise<InboxBody> {
    let path: string;
    if (options.next) path = rootRelative(options.next);
    else {
      const query = new URLSearchParams();
      if (options.maxResults !== undefined) query.set('max_results', String(options.maxResults));
      if (options.workflowFilter !== undefined) query.set('workflow_filter', options.workflowFilter);
      const qs = query.toString();
      path = this.#mailboxPath(`/inbox${qs ? `?${qs}` : ''}`);
    }
    return this.#json(await this.#call({ method: 'GET', path, retry: true }), 'inbox');
  }

  /** Every page of the inbox, following `links.next` until the server gives none. */
  async *inboxPages(options: Omit<InboxPageOptions, 'next'> = {}): AsyncGenerator<InboxBody> {
    let page = await this.listInbox(options);
    yield page;
    while (page.links?.next) {
      page = await this.listInbox({ next: page.links.next });
      yield page;
    }
  }

  /** Every message id in the inbox, across pages. */
  async *inboxMessageIds(options: Omit<InboxPageOptions, 'next'> = {}): AsyncGenerator<string> {
    for await (const page of this.inboxPages(options)) yield* page.messages;
  }

  /** Deprecated by MESH but still served: the number of messages in the inbox. */
  async count(): Promise<number> {
    return (await this.#json(await this.#call({ method: 'GET', path: this.#mailboxPath('/count'), retry: true }), 'count')).count;
  }

  /** Downloads a whole message: chunk 1 now, chunks 2..N as the body is read, each decoded on its own. */
  async download(messageId: string, options: DownloadOptions = {}): Promise<Download> {
    const first = await this.#getChunk(messageId, undefined, options);
    const total = first.metadata.chunk.total;
    const client = this;
    let done = 0;
    const progress = (chunk: number, bytes: number) => {
      done += bytes;
      options.onProgress?.({ messageId, chunk, chunks: total, bytesDone: done, bytesTotal: undefined });
    };
    async function* chunks(): AsyncGenerator<Buffer> {
      let bytes = 0;
      for await (const piece of first.body) {
        bytes += (piece as Buffer).length;
        yield piece as Buffer;
      }
      progress(1, bytes);
      for (let n = 2; n <= total; n += 1) {
        const next = await client.#getChunk(messageId, n, options);
        bytes = 0;
        for await (const piece of next.body) {
          bytes += (piece as Buffer).length;
          yield piece as Buffer;
        }
        progress(n, bytes);
      }
    }
    return { metadata: first.metadata, body: Readable.from(chunks(), { objectMode: false }) };
  }

  /** Downloads one chunk (1-based), decoded. */
  async downloadChunk(messageId: string, chunk: number, options: DownloadOptions = {}): Promise<Download> {
    return this.#getChunk(messageId, chunk, options);
  }

  /**
   * Downloads a whole message into `sink`, returning its metadata, size and SHA-256. Without a sink the
   * bytes are only counted and digested (enough to check a message against what was sent).
   */
  async downloadTo(messageId: string, sink: NodeJS.WritableStream = discard(), options: DownloadOptions = {}): Promise<{ metadata: MessageMetadata; bytes: number; sha256: string }> {
    const { metadata, body } = await this.download(messageId, options);
    const digest = createHash('sha256');
    let bytes = 0;
    const tap = new Transform({
      transform(piece: Buffer, _enc, cb) {
        digest.update(piece);
        bytes += piece.length;
        cb(null, piece);
      },
    });
    await pipeline(body, tap, sink);
    return { metadata, bytes, sha256: digest.digest('hex') };
  }

  async #getChunk(messageId: string, chunk: number | undefined, options: DownloadOptions): Promise<Download> {
    const suffix = `/inbox/${encodeURIComponent(messageId)}${chunk === undefined ? '' : `/${chunk}`}`;
    const headers: Record<string, string> = options.acceptGzip === false ? {} : { [H.acceptEncoding]: 'gzip' };
    const res = await this.#call({ method: 'GET', path: this.#mailboxPath(suffix), headers, retry: true });
    const metadata = readMetadata(res.headers, messageId);
    const gzipped = (res.headers.get(H.contentEncoding) ?? '').toLowerCase().includes('gzip');
    const body = gzipped ? res.body.pipe(createGunzip()) : res.body;
    if (gzipped) res.body.on('error', (e) => body.destroy(e));
    return { metadata, body };
  }

  /** The message's headers without its body. */
  async head(messageId: string): Promise<MessageMetadata> {
    const res = await this.#call({ method: 'HEAD', path: this.#mailboxPath(`/inbox/${encodeURIComponent(messageId)}`), retry: true });
    await this.#drain(res);
    return readMetadata(res.headers, messageId);
  }

  /** Acknowledges a downloaded message, which removes it from the inbox. Safe to repeat. */
  async acknowledge(messageId: string): Promise<void> {
    const path = this.#mailboxPath(`/inbox/${encodeURIComponent(messageId)}/status/acknowledged`);
    await this.#drain(await this.#call({ method: 'PUT', path, retry: true }));
  }

  /** Status of a message this mailbox sent. */
  async track(messageId: string): Promise<TrackingBody> {
    const path = this.#mailboxPath(`/outbox/tracking?${new URLSearchParams({ messageID: messageId })}`);
    return this.#json(await this.#call({ method: 'GET', path, retry: true }), 'tracking');
  }

  /** Mailboxes of an organisation (ODS code) that receive a workflow. */
  async lookup(odsCode: string, workflowId: string): Promise<MailboxListBody> {
    const path = `/messageexchange/endpointlookup/${encodeURIComponent(odsCode)}/${encodeURIComponent(workflowId)}`;
    return this.#json(await this.#call({ method: 'GET', path, retry: true }), 'lookup');
  }

  /** Every mailbox that receives a workflow. */
  async workflowSearch(workflowId: string): Promise<MailboxListBody> {
    const path = `/messageexchange/workflowsearch/${encodeURIComponent(workflowId)}`;
    return this.#json(await this.#call({ method: 'GET', path, retry: true }), 'workflowSearch');
  }

  async #json<N extends V2BodyName>(res: Response, schema: N): Promise<V2Bodies[N]> {
    const text = (await readAll(res.body)).toString('utf8');
    const { context } = res;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new MeshProtocolError(`expected a JSON ${schema} body, got ${JSON.stringify(text.slice(0, 200))}`, context);
    }
    if (!this.#validate) return body as V2Bodies[N];
    try {
      return assertV2Body(schema, body);
    } catch (error) {
      if (error instanceof SchemaViolation) throw new MeshProtocolError(error.message, context);
      throw error;
    }
  }

  async #drain(res: Response): Promise<void> {
    for await (const piece of res.body) void piece;
  }

  /** One logical request: signs every attempt afresh, retries where allowed, and records each attempt. */
  async #call(call: Call): Promise<Response> {
    const context: RequestContext = { method: call.method, path: call.path, mailboxId: this.mailboxId };
    for (let attempt = 1; ; attempt += 1) {
      const canRetry = call.retry && attempt < this.#retry.attempts;
      const release = await this.#queue.acquire();
      const started = Date.now();
      const headers: Record<string, string> = {
        ...this.#identity,
        [H.accept]: MEDIA_V2,
        ...call.headers,
        [H.authorization]: makeAuthToken({ sharedKey: this.#sharedKey, mailboxId: this.mailboxId, password: this.#password, time: this.#clock() }),
      };
      const sent = prepareBody(call.body, this.#observer !== undefined);
      if (sent.length !== undefined) headers[H.contentLength] = String(sent.length);
      const record = (fields: Partial<Exchange> & Pick<Exchange, 'status'>) =>
        this.#observer?.({
          seq: ++this.#seq,
          mailboxId: this.mailboxId,
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
      let res;
      try {
        res = await request(`${this.baseUrl}${call.path}`, { dispatcher: this.#agent, method: call.method, headers, body: sent.stream ?? null });
      } catch (error) {
        release();
        const failure = describeConnectionFailure(error, context, this.baseUrl);
        record({ status: 0, error: failure.message });
        if (canRetry) {
          await sleep(backoffDelay(this.#retry, attempt));
          continue;
        }
        throw failure;
      }
      const responseHeaders = new HeaderBag(res.headers as Record<string, string | string[] | undefined>);
      const recordedResponse = recordableResponseHeaders(responseHeaders.toObject());
      if (res.statusCode < 200 || res.statusCode >= 300) {
        const text = await res.body.text().catch(() => '');
        release();
        const error = new MeshError(res.statusCode, parseErrorBody(text), context);
        record({ status: res.statusCode, responseHeaders: recordedResponse, bytesReceived: Buffer.byteLength(text), error: error.message });
        if (canRetry && isRetryableStatus(res.statusCode)) {
          await sleep(backoffDelay(this.#retry, attempt, responseHeaders.get('retry-after')));
          continue;
        }
        throw error;
      }
      const digest = createHash('sha256');
      let received = 0;
      let finished = false;
      const finish = (error?: Error) => {
        if (finished) return;
        finished = true;
        release();
        record({
          status: res.statusCode,
          responseHeaders: recordedResponse,
          bytesReceived: received,
          ...(received > 0 ? { receivedSha256: digest.digest('hex') } : {}),
          ...(error ? { error: error.message } : {}),
        });
      };
      const body = new Transform({
        transform: (piece: Buffer, _enc, cb) => {
          if (this.#observer) digest.update(piece);
          received += piece.length;
          noteStreamed(piece.length);
          cb(null, piece);
        },
        flush(cb) {
          finish();
          cb();
        },
      });
      res.body.on('error', (error) => body.destroy(error));
      body.on('error', (error) => finish(error));
      body.on('close', () => finish(finished ? undefined : new Error('response body was not read to the end')));
      res.body.pipe(body);
      return { status: res.statusCode, headers: responseHeaders, body, context };
    }
  }
}

/**
 * The SHA-256 of a message whose chunks may be read more than once (a retry re-reads its range): each
 * byte position is hashed the first time it passes, so the digest is of the content, not of the traffic.
 */
class RangeDigest {
  readonly #hash = createHash('sha256');
  position = 0;

  tap(start: number): Transform {
    let at = start;
    return new Transform({
      transform: (piece: Buffer, _enc, cb) => {
        noteStreamed(piece.length);
        const fresh = this.position - at;
        if (at <= this.position && fresh < piece.length) {
          this.#hash.update(fresh > 0 ? piece.subarray(fresh) : piece);
          this.position = at + piece.length;
        }
        at += piece.length;
        cb(null, piece);
      },
    });
  }

  hex(): string {
    return this.#hash.digest('hex');
  }
}

/**
 * A private temporary file holding the chunk being sent when it cannot be re-read from its source (gzip
 * output, a one-pass stream): memory stays flat whatever the chunk size, and a retry re-reads the file.
 * Readable by this user only, and removed as soon as the message is sent or fails.
 */
class ChunkSpool {
  private constructor(readonly dir: string) {}

  static async open(): Promise<ChunkSpool> {
    return new ChunkSpool(await mkdtemp(join(tmpdir(), 'mesh-assure-chunk-')));
  }

  async write(stream: Readable): Promise<{ path: string; length: number }> {
    const path = join(this.dir, 'chunk');
    const sink = createWriteStream(path, { mode: 0o600 });
    await pipeline(stream, sink);
    return { path, length: sink.bytesWritten };
  }

  remove(): Promise<void> {
    return rm(this.dir, { recursive: true, force: true });
  }
}

/**
 * One chunk as it goes on the wire. Plain chunks of a replayable source are streamed from it; gzip chunks
 * and chunks of a one-pass stream are spooled to a private temporary file and streamed from there.
 */
async function prepareChunk(source: ChunkSource, start: number, end: number, gzip: boolean, digest: RangeDigest, spool: ChunkSpool): Promise<RequestBody> {
  const read = () => source.open(start, end).pipe(digest.tap(start));
  if (!gzip && source.replayable !== false) return { length: end - start, open: read };
  const { path, length } = await spool.write(gzip ? read().pipe(createGzip()) : read());
  if (!gzip && length !== end - start) throw new Error(`the source gave ${length} bytes for bytes ${start}..${end}, expected ${end - start}`);
  return { length, open: () => createReadStream(path, { highWaterMark: 1 << 16 }) };
}

function discard(): Writable {
  return new Writable({ write: (_piece, _encoding, done) => done() });
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * The request body for one attempt, with its length and a count of what was actually sent; its digest
 * only when `measured` (an exchange observer listens): hashing every byte for a record nobody reads would
 * cost a third of a large send's CPU.
 */
function prepareBody(body: Call['body'], measured: boolean): { stream: Buffer | Readable | undefined; length: number | undefined; count(): number; sha256(): string } {
  if (body === undefined) return { stream: undefined, length: undefined, count: () => 0, sha256: () => '' };
  if (Buffer.isBuffer(body)) return { stream: body, length: body.length, count: () => body.length, sha256: () => sha256(body) };
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

/** `links.next` is root-relative on MESH; accept an absolute URL too. */
function rootRelative(link: string): string {
  return /^https?:\/\//i.test(link) ? (({ pathname, search }) => `${pathname}${search}`)(new URL(link)) : link;
}
