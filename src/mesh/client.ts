/**
 * The MESH API v2 client: one method per endpoint. Each request is one Call; attempt.ts makes one attempt
 * at it (a fresh NHSMESH token, typed errors, the redacted exchange record), retry.ts repeats the ones
 * that are safe to repeat, chunk-spool.ts prepares the chunks of a send. It knows nothing of Playwright.
 */
import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { createGunzip, gzip } from 'node:zlib';
import type { Dispatcher } from 'undici';
import {
  assertV2Body,
  formatChunkRange,
  HEADER,
  SchemaViolation,
  type InboxBody,
  type MailboxListBody,
  type TrackingBody,
  type V2Bodies,
  type V2BodyName,
} from '../protocol/index.ts';
import { Attempter, type Call, type RequestBody, type Response } from './attempt.ts';
import { readAll, type ChunkSource } from './chunk-source.ts';
import { ChunkSpool, prepareChunk, RangeDigest } from './chunk-spool.ts';
import { clientIdentityHeaders } from './client-identity.ts';
import { MESH_ERROR_CODES, MeshArgumentError, MeshClientError, MeshProtocolError } from './errors.ts';
import { readMetadata, type MessageMetadata } from './metadata.ts';
import type { ExchangeObserver } from './recorder.ts';
import { RequestQueue } from './request-queue.ts';
import { DEFAULT_RETRY, withRetries, type RetryPolicy } from './retry.ts';
import { createTransport, type Transport, type TransportOptions } from './transport.ts';

export type { RequestBody } from './attempt.ts';

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
  /** Share one dispatcher between clients; the client then does not close it. */
  agent?: Dispatcher;
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

/**
 * The size of the pieces gunzip hands on. Each piece is one trip to zlib's thread and back: inflating
 * 64 MiB took 1.7 s with the 16 KiB default, 0.07 to 0.2 s at 64 KiB, about 0.05 s at 256 KiB.
 */
const GUNZIP_CHUNK_BYTES = 256 * 1024;

export class MeshClient {
  readonly mailboxId: string;
  readonly baseUrl: string;
  /** The proxy requests go through, and why (without credentials): doctor reports it. */
  readonly route: Transport['route'];
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  readonly #retry: RetryPolicy;
  readonly #validate: boolean;
  readonly #attempter: Attempter;
  #closed: Promise<void> | undefined;

  constructor(options: MeshClientOptions) {
    this.mailboxId = options.mailboxId.toUpperCase();
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    const transport: Transport = options.agent
      ? { dispatcher: options.agent, route: { proxy: undefined, reason: 'a dispatcher given by the caller' } }
      : createTransport(this.baseUrl, options);
    this.route = transport.route;
    this.#dispatcher = transport.dispatcher;
    this.#ownsDispatcher = !options.agent;
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
    this.#validate = options.validateResponses ?? true;
    this.#attempter = new Attempter({
      baseUrl: this.baseUrl,
      dispatcher: transport.dispatcher,
      proxy: transport.route.proxy,
      queue: new RequestQueue(options.concurrency ?? 1),
      signer: {
        mailboxId: this.mailboxId,
        password: options.password,
        sharedKey: options.sharedKey,
        clock: options.clock ?? (() => new Date()),
      },
      identity: clientIdentityHeaders(options.clientName),
      observer: options.onExchange,
    });
  }

  /** Closes the connections the client made; a second call waits for the first (undici would throw). */
  close(): Promise<void> {
    return (this.#closed ??= this.#ownsDispatcher ? this.#dispatcher.close() : Promise.resolve());
  }

  #mailboxPath(suffix = ''): string {
    return `/messageexchange/${encodeURIComponent(this.mailboxId)}${suffix}`;
  }

  /** One logical request: attempted, and repeated where the call allows. */
  #call(call: Call): Promise<Response> {
    if (this.#closed)
      return Promise.reject(
        new MeshClientError(`${call.operation}: this client is closed; make a new MeshClient`, MESH_ERROR_CODES.closed),
      );
    return withRetries(this.#retry, call.repeatable, (n) => this.#attempter.attempt(call, n));
  }

  /** Validate the mailbox: once a day, before other calls. */
  async handshake(): Promise<void> {
    await drain(
      await this.#call({
        operation: `handshake ${this.mailboxId}`,
        method: 'POST',
        path: this.#mailboxPath(),
        repeatable: true,
      }),
    );
  }

  /** Sends a message in one request (the body must fit one request: at most 100 MB on the wire). */
  async send(message: OutgoingMessage, body: Uint8Array | string): Promise<SendResult> {
    const bytes =
      typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    const wire = message.gzip ? await gzipAsync(bytes) : bytes;
    if (wire.length > MAX_CHUNK_BYTES)
      throw new MeshArgumentError(
        `send to ${message.to}: the message is ${wire.length} bytes, over MESH's 100 MB per request: use sendChunked`,
      );
    const messageId = await this.#sendFirst(message, wire, 1, message.contentType);
    return { messageId, chunks: 1, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  }

  /**
   * Sends a message of any size as chunks of `chunkSize` uncompressed bytes (default 20 MiB, at most
   * 100 MB), each gzipped on its own when `gzip` is set. Chunk 1 goes to /outbox and is never retried
   * (a retry could send the message twice); chunks 2..N are retried on 5xx, 429 and connection errors.
   */
  async sendChunked(
    message: OutgoingMessage,
    source: ChunkSource,
    options: ChunkedSendOptions = {},
  ): Promise<SendResult> {
    const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_BYTES;
    if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > MAX_CHUNK_BYTES) {
      throw new MeshArgumentError(
        `chunk size ${chunkSize} is out of range: use 1 byte to 100 MB (MESH's per-request limit); the default is 20 MiB`,
      );
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
          messageId = await this.#sendFirst(
            message,
            body,
            total,
            total > 1 ? 'application/octet-stream' : message.contentType,
          );
        } else {
          await this.sendChunk(messageId!, n, total, body, { gzip: message.gzip });
        }
        options.onProgress?.({ messageId, chunk: n, chunks: total, bytesDone: end, bytesTotal: source.size });
      }
      if (digest.position !== source.size)
        throw new MeshArgumentError(
          `send to ${message.to}: the source gave ${digest.position} bytes, but declared ${source.size}`,
        );
      return { messageId: messageId!, chunks: total, bytes: source.size, sha256: digest.hex() };
    } finally {
      await spool.remove();
    }
  }

  /** Uploads chunk n (2..N) of a message whose chunk 1 was accepted; `body` is sent as it is. */
  async sendChunk(
    messageId: string,
    chunk: number,
    total: number,
    body: RequestBody,
    options: { gzip?: boolean } = {},
  ): Promise<void> {
    const headers: Record<string, string> = {
      [HEADER.chunkRange]: formatChunkRange({ chunk, total }),
      [HEADER.contentType]: 'application/octet-stream',
    };
    if (options.gzip) headers[HEADER.contentEncoding] = 'gzip';
    const path = this.#mailboxPath(`/outbox/${encodeURIComponent(messageId)}/${chunk}`);
    // Official servers disagree on this body (`null`, v1 or v2 shape): read it, depend on nothing in it.
    await drain(
      await this.#call({
        operation: `send chunk ${chunk} of ${total} of ${messageId}`,
        method: 'POST',
        path,
        headers,
        body,
        repeatable: true,
      }),
    );
  }

  async #sendFirst(
    message: OutgoingMessage,
    wire: RequestBody,
    total: number,
    contentType: string | undefined,
  ): Promise<string> {
    const to = message.to.trim().toUpperCase();
    const headers: Record<string, string> = {
      [HEADER.to]: to,
      [HEADER.workflowId]: message.workflowId,
      [HEADER.chunkRange]: formatChunkRange({ chunk: 1, total }),
      [HEADER.contentType]: contentType ?? 'application/octet-stream',
    };
    const optional: [string, string | undefined][] = [
      [HEADER.subject, message.subject],
      [HEADER.localId, message.localId],
      [HEADER.partnerId, message.partnerId],
      [HEADER.fileName, message.fileName],
      [HEADER.contentChecksum, message.checksum],
      [HEADER.mexContentType, total > 1 ? message.contentType : undefined],
      [HEADER.contentEncrypted, message.encrypted === undefined ? undefined : message.encrypted ? 'Y' : 'N'],
      [HEADER.contentCompressed, message.compressed === undefined ? undefined : message.compressed ? 'Y' : 'N'],
      [HEADER.contentEncoding, message.gzip ? 'gzip' : undefined],
    ];
    for (const [name, value] of optional) if (value !== undefined) headers[name] = value;
    const operation = total > 1 ? `send to ${to} (chunk 1 of ${total})` : `send to ${to}`;
    const res = await this.#call({
      operation,
      method: 'POST',
      path: this.#mailboxPath('/outbox'),
      headers,
      body: wire,
      repeatable: false,
    });
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
    return this.#json(
      await this.#call({ operation: `inbox of ${this.mailboxId}`, method: 'GET', path, repeatable: true }),
      'inbox',
    );
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
    const res = await this.#call({
      operation: `count of ${this.mailboxId}`,
      method: 'GET',
      path: this.#mailboxPath('/count'),
      repeatable: true,
    });
    return (await this.#json(res, 'count')).count;
  }

  /**
   * Downloads a whole message: chunk 1 now, chunks 2..N as the body is read, each decoded on its own.
   * Nothing runs ahead of the reader: a slow reader holds back the socket, whatever the message size.
   */
  async download(messageId: string, options: DownloadOptions = {}): Promise<Download> {
    const first = await this.#getChunk(messageId, undefined, undefined, options);
    const total = first.metadata.chunk.total;
    const getChunk = (n: number) => this.#getChunk(messageId, n, total, options);
    let done = 0;
    async function* chunks(): AsyncGenerator<Buffer> {
      for (let n = 1; n <= total; n += 1) {
        const { body } = n === 1 ? first : await getChunk(n);
        for await (const piece of body as AsyncIterable<Buffer>) {
          done += piece.length;
          yield piece;
        }
        options.onProgress?.({ messageId, chunk: n, chunks: total, bytesDone: done, bytesTotal: undefined });
      }
    }
    return { metadata: first.metadata, body: Readable.from(chunks(), { objectMode: false }) };
  }

  /** Downloads one chunk (1-based), decoded. */
  async downloadChunk(messageId: string, chunk: number, options: DownloadOptions = {}): Promise<Download> {
    return this.#getChunk(messageId, chunk, undefined, options);
  }

  /**
   * Downloads a whole message into `sink`, returning its metadata, size and SHA-256. Without a sink the
   * bytes are only counted and digested (enough to check a message against what was sent).
   */
  async downloadTo(
    messageId: string,
    sink: NodeJS.WritableStream = discard(),
    options: DownloadOptions = {},
  ): Promise<{ metadata: MessageMetadata; bytes: number; sha256: string }> {
    const { metadata, body } = await this.download(messageId, options);
    const digest = createHash('sha256');
    let bytes = 0;
    await pipeline(
      body,
      async function* (source: AsyncIterable<Buffer>) {
        for await (const piece of source) {
          digest.update(piece);
          bytes += piece.length;
          yield piece;
        }
      },
      sink,
    );
    return { metadata, bytes, sha256: digest.digest('hex') };
  }

  async #getChunk(
    messageId: string,
    chunk: number | undefined,
    total: number | undefined,
    options: DownloadOptions,
  ): Promise<Download> {
    const suffix = `/inbox/${encodeURIComponent(messageId)}${chunk === undefined ? '' : `/${chunk}`}`;
    const headers: Record<string, string> = options.acceptGzip === false ? {} : { [HEADER.acceptEncoding]: 'gzip' };
    const operation =
      chunk === undefined || total === 1
        ? `download ${messageId}`
        : `download ${messageId} chunk ${chunk}${total ? ` of ${total}` : ''}`;
    const res = await this.#call({
      operation,
      method: 'GET',
      path: this.#mailboxPath(suffix),
      headers,
      repeatable: true,
    });
    const metadata = readMetadata(res.headers, messageId);
    const gzipped = (res.headers.get(HEADER.contentEncoding) ?? '').toLowerCase().includes('gzip');
    if (!gzipped) return { metadata, body: res.body };
    // The callback form hands back gunzip and passes an error of either side on to whoever reads it.
    const body = pipelineTo(res.body, createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES }));
    return { metadata, body };
  }

  /** The message's headers without its body. */
  async head(messageId: string): Promise<MessageMetadata> {
    const path = this.#mailboxPath(`/inbox/${encodeURIComponent(messageId)}`);
    const res = await this.#call({ operation: `head ${messageId}`, method: 'HEAD', path, repeatable: true });
    await drain(res);
    return readMetadata(res.headers, messageId);
  }

  /** Acknowledges a downloaded message, which removes it from the inbox. Safe to repeat. */
  async acknowledge(messageId: string): Promise<void> {
    const path = this.#mailboxPath(`/inbox/${encodeURIComponent(messageId)}/status/acknowledged`);
    await drain(await this.#call({ operation: `acknowledge ${messageId}`, method: 'PUT', path, repeatable: true }));
  }

  /** Status of a message this mailbox sent. */
  async track(messageId: string): Promise<TrackingBody> {
    const path = this.#mailboxPath(`/outbox/tracking?${new URLSearchParams({ messageID: messageId })}`);
    return this.#json(
      await this.#call({ operation: `track ${messageId}`, method: 'GET', path, repeatable: true }),
      'tracking',
    );
  }

  /** Mailboxes of an organisation (ODS code) that receive a workflow. */
  async lookup(odsCode: string, workflowId: string): Promise<MailboxListBody> {
    const path = `/messageexchange/endpointlookup/${encodeURIComponent(odsCode)}/${encodeURIComponent(workflowId)}`;
    return this.#json(
      await this.#call({ operation: `lookup ${odsCode} ${workflowId}`, method: 'GET', path, repeatable: true }),
      'lookup',
    );
  }

  /** Every mailbox that receives a workflow. */
  async workflowSearch(workflowId: string): Promise<MailboxListBody> {
    const path = `/messageexchange/workflowsearch/${encodeURIComponent(workflowId)}`;
    return this.#json(
      await this.#call({ operation: `workflow search ${workflowId}`, method: 'GET', path, repeatable: true }),
      'workflowSearch',
    );
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
}

async function drain(res: Response): Promise<void> {
  for await (const piece of res.body) void piece;
}

/** `source` piped into `decoder`, with backpressure, an error on either side destroying the other. */
function pipelineTo(source: Readable, decoder: NodeJS.ReadWriteStream & Readable): Readable {
  source.on('error', (error) => decoder.destroy(error));
  decoder.on('close', () => source.destroy());
  return source.pipe(decoder);
}

function discard(): Writable {
  return new Writable({ write: (_piece, _encoding, done) => done() });
}

/** `links.next` is root-relative on MESH; accept an absolute URL too. */
function rootRelative(link: string): string {
  return /^https?:\/\//i.test(link) ? (({ pathname, search }) => `${pathname}${search}`)(new URL(link)) : link;
}
