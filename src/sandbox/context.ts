/** What every route handler gets: the sandbox's state and one request, with helpers they all use. */
import type { IncomingMessage } from 'node:http';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  HeaderBag,
  MESH_ERRORS,
  parseAuthToken,
  type AcceptResult,
  type AnswerFacts,
  type ApiVersion,
} from '../protocol/index.ts';
import { authenticate, type Authenticated, type TokenMemory } from './auth.ts';
import type { SandboxClock } from './clock.ts';
import type { Faults } from './faults.ts';
import type { Journal } from './journal.ts';
import type { Lifecycle } from './lifecycle.ts';
import { BodyLimit, BodyTooLarge } from './limits.ts';
import type { Mailboxes } from './mailboxes.ts';
import type { ResolvedOptions } from './options.ts';
import { Failure, meshFailure, validationFailure } from './replies.ts';
import type { SandboxResponse } from './response.ts';
import type { SettingsFile } from './settings-file.ts';
import type { MessageStore } from './store/message-store.ts';

export interface SandboxState {
  options: ResolvedOptions;
  mailboxes: Mailboxes;
  store: MessageStore;
  clock: SandboxClock;
  tokens: TokenMemory;
  journal: Journal;
  faults: Faults;
  settings: SettingsFile;
  lifecycle: Lifecycle;
}

/** What the journal entry of this request will say beyond method, path and status. */
interface RequestNotes {
  mailbox?: string;
  messageId?: string;
  /** `used`: the token passed every check but reuse, so it now counts as used (and stays so across a restart). */
  token?: { nonce: string; nonceCount: string; timestamp: string; used: boolean };
  bytesIn: number;
  /** What a download's or HEAD's answer said of the message. */
  answer?: AnswerFacts;
}

export interface RouteContext {
  state: SandboxState;
  req: IncomingMessage;
  res: SandboxResponse;
  method: string;
  path: string;
  query: URLSearchParams;
  headers: HeaderBag;
  accept: AcceptResult;
  /** The version error bodies use: v1 when the Accept header cannot be read. */
  version: ApiVersion;
  params: Record<string, string>;
  notes: RequestNotes;
  /** When the request arrived, by the sandbox clock. */
  now: Date;
}

export const tooLarge = (limit: number): Failure =>
  new Failure(
    413,
    {
      kind: 'mesh',
      spec: {
        ...MESH_ERRORS.requestTooLarge,
        description: `${MESH_ERRORS.requestTooLarge.description} (at most ${limit} bytes per request)`,
      },
    },
    true,
  );

/** The negotiated version, or a 400 (always in v1 shape) when the Accept header is malformed. */
export function requireVersion(ctx: RouteContext): ApiVersion {
  if (!ctx.accept.ok) throw new Failure(400, { kind: 'mesh', spec: MESH_ERRORS.acceptFormat, version: 1 });
  return ctx.accept.version;
}

/** Authenticates the caller as the path's mailbox and notes who it was for the journal. */
export function authorise(ctx: RouteContext): Authenticated {
  const { state } = ctx;
  const pathMailbox = ctx.params.mailbox ?? '';
  ctx.notes.mailbox = pathMailbox.toUpperCase();
  // Journal the token even when it is refused: a reused token shows in the journal as the same nonce and count.
  const header = ctx.headers.get('authorization');
  const presented = parseAuthToken(header, { requireScheme: false });
  const noted = presented.ok
    ? {
        nonce: presented.parts.nonce,
        nonceCount: presented.parts.nonceCount,
        timestamp: presented.parts.timestamp,
        used: false,
      }
    : undefined;
  if (noted) ctx.notes.token = noted;
  const auth = authenticate(
    {
      header,
      parsed: presented,
      pathMailbox,
      socket: ctx.req.socket,
      mtls: state.options.tls === 'mtls',
      now: ctx.now,
      usage: noted,
    },
    {
      mailboxes: state.mailboxes,
      sharedKey: state.options.sharedKey,
      relax: state.options.relax,
      tokens: state.tokens,
    },
  );
  ctx.notes.mailbox = auth.mailbox.mailboxId;
  return auth;
}

/** The request body through the size limit; bytes are counted for the journal. */
export function limitedBody(ctx: RouteContext): BodyLimit {
  const limit = new BodyLimit(ctx.state.options.maxRequestBytes);
  limit.on('end', () => (ctx.notes.bytesIn = limit.bytes));
  limit.on('error', () => (ctx.notes.bytesIn = limit.bytes));
  return limit;
}

/** Bodies declared at most this long are read with plain listeners: a stream pipeline costs more than such a request. */
const SMALL_BODY_BYTES = 256 * 1024;

/**
 * The whole body when its Content-Length is declared and small, otherwise undefined (stream it then). No
 * size limit is needed: the declared length passed the per-request limit and node:http reads no further.
 */
export function readSmallBody(ctx: RouteContext, keep = true): Promise<Buffer> | undefined {
  const { req } = ctx;
  const declared = req.headers['content-length'];
  if (declared === undefined || req.headers['transfer-encoding'] !== undefined || Number(declared) > SMALL_BODY_BYTES)
    return undefined;
  const read = new Promise<Buffer>((resolve, reject) => {
    if (req.destroyed) return reject(new Error('request body was cut off'));
    const parts: Buffer[] = [];
    let bytes = 0;
    let ended = false;
    req.on('data', (part: Buffer) => {
      bytes += part.length;
      if (keep) parts.push(part);
    });
    req.once('end', () => {
      ended = true;
      ctx.notes.bytesIn = bytes;
      resolve(parts.length === 1 ? parts[0]! : Buffer.concat(parts));
    });
    req.once('error', reject);
    // Every request closes; an Error (its stack captured) is made only for one that closed before its end.
    req.once('close', () => ended || reject(new Error('request body was cut off')));
  });
  return read.catch(rethrowBodyError);
}

/** Reads and discards the body (handshake, acknowledge and others that ignore it). */
export async function drainBody(ctx: RouteContext): Promise<void> {
  const { headers } = ctx.req;
  if (headers['content-length'] === undefined && headers['transfer-encoding'] === undefined) return; // no body
  if (headers['content-length'] === '0') return; // node:http has already read it all
  const small = readSmallBody(ctx, false);
  if (small) return void (await small);
  await pipeline(ctx.req, limitedBody(ctx), new Writable({ write: (_chunk, _enc, done) => done() })).catch(
    rethrowBodyError,
  );
}

/** Reads a small JSON body (admin API); a clear 400 when it is not JSON. */
export async function readJsonBody(ctx: RouteContext): Promise<unknown> {
  const parts: Buffer[] = [];
  const limit = new BodyLimit(Math.min(ctx.state.options.maxRequestBytes, 1_000_000));
  const keep = new Writable({
    write: (chunk: Buffer, _enc, done) => {
      parts.push(chunk);
      done();
    },
  });
  await pipeline(ctx.req, limit, keep).catch(rethrowBodyError);
  ctx.notes.bytesIn = limit.bytes;
  const text = Buffer.concat(parts).toString('utf8').trim();
  if (text === '') return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw validationFailure([
      { type: 'json_invalid', loc: ['body', '(body)'], msg: `body is not valid JSON: ${(error as Error).message}` },
    ]);
  }
}

/** Turns a failure while reading a request body into the answer for it. */
export function rethrowBodyError(error: unknown): never {
  if (error instanceof BodyTooLarge) throw tooLarge(error.limit);
  if (error instanceof Failure) throw error;
  // The client went away or sent a broken body: there is nobody left to answer properly.
  throw new Failure(
    400,
    {
      kind: 'mesh',
      spec: { event: '', code: '', description: `request body could not be read: ${(error as Error).message}` },
    },
    true,
  );
}

export function notFoundMessage(): Failure {
  return meshFailure(404, MESH_ERRORS.messageDoesNotExist);
}
