/**
 * The HTTP(S) front: parses each request into a context, applies the per-request size limit, injected
 * faults and lazy expiry, dispatches to the route, turns failures into MESH-shaped answers (never a
 * crash, and a 500 only for a bug) and journals every request. Malformed HTTP that node:http itself
 * rejects (bad request lines, oversized headers, stalled requests) still gets a JSON error body.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { HeaderBag, isoTime, negotiateVersion } from '../protocol/index.ts';
import { drainBody, tooLarge, type RouteContext, type SandboxState } from './context.ts';
import { injectedFault } from './faults.ts';
import { journalHeaders, type JournalEntry, type JournalSlot } from './journal.ts';
import { Failure, sendFailure } from './replies.ts';
import { SandboxResponse } from './response.ts';
import { match } from './router.ts';

export interface ServerTls {
  key: Buffer;
  cert: Buffer;
  ca: Buffer;
  requireClientCert: boolean;
}

/** Bodies up to this size are read to the end after an early error so the connection can be kept. */
const DRAIN_AFTER_ERROR_BYTES = 1_000_000;

export function createSandboxServer(state: SandboxState, tls: ServerTls | undefined): Server {
  const timeout = state.options.requestTimeoutMs;
  const serverOptions = {
    requestTimeout: timeout,
    headersTimeout: Math.min(timeout, 60_000),
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(timeout / 4))),
    keepAliveTimeout: 5_000,
    ServerResponse: SandboxResponse,
  };
  const listener = (req: IncomingMessage, res: SandboxResponse): void => void handle(state, req, res);
  const server = tls
    ? createHttpsServer(
        {
          ...serverOptions,
          key: tls.key,
          cert: tls.cert,
          ca: tls.ca,
          requestCert: tls.requireClientCert,
          rejectUnauthorized: tls.requireClientCert,
        },
        listener,
      )
    : createHttpServer(serverOptions, listener);
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => answerClientError(error, socket));
  return server;
}

/** What node:http could not parse: answer in JSON when nothing has been sent yet, then close. */
function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  const inFlight = (socket as Socket & { _httpMessage?: SandboxResponse })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    const [status, reason, text] =
      error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', 'request was not received in time']
        : error.code === 'HPE_HEADER_OVERFLOW'
          ? [431, 'Request Header Fields Too Large', 'request headers are too large']
          : [400, 'Bad Request', `malformed HTTP request (${error.code ?? error.message})`];
    const body = JSON.stringify({ errorEvent: '', errorCode: '', errorDescription: text });
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroySoon();
}

async function handle(state: SandboxState, req: IncomingMessage, res: SandboxResponse): Promise<void> {
  const started = performance.now();
  const now = state.clock.now();
  res.clockDate = now.toUTCString();
  const method = req.method ?? 'GET';
  const rawUrl = req.url ?? '/';
  const queryAt = rawUrl.indexOf('?');
  const accept = negotiateVersion(req.headers.accept);
  const ctx: RouteContext = {
    state,
    req,
    res,
    method,
    path: queryAt < 0 ? rawUrl : rawUrl.slice(0, queryAt),
    query: new URLSearchParams(queryAt < 0 ? '' : rawUrl.slice(queryAt + 1)),
    headers: new HeaderBag(req.headers),
    accept,
    version: accept.ok ? accept.version : 1,
    params: {},
    notes: { bytesIn: 0 },
    now,
  };
  const slot = state.options.journal ? state.journal.reserve() : undefined;
  try {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > state.options.maxRequestBytes) throw tooLarge(state.options.maxRequestBytes);
    const route = match(method, ctx.path);
    ctx.params = route.params;
    if (!route.admin) {
      const fault = state.faults.take(method, ctx.path);
      if (fault) {
        await drainBody(ctx);
        if (fault.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
        throw new Failure(fault.status, { kind: 'mesh', spec: injectedFault, version: 2 });
      }
      await state.lifecycle.expireAndDeleteDue(now.getTime());
    }
    await route.handler(ctx);
  } catch (error) {
    await answerFailure(ctx, error);
  }
  if (slot === undefined) return;
  // A finished or cut-off answer is journalled now (node:http has handed it to the socket in end(), and
  // whoever gets it must find the entry; its 'close' may have passed already); one still streaming, when
  // its response closes.
  if (res.writableEnded || res.destroyed) journal(ctx, slot, now, started);
  else res.once('close', () => journal(ctx, slot, now, started));
}

function journal(
  { state, req, res, method, headers, notes }: RouteContext,
  slot: JournalSlot,
  arrived: Date,
  started: number,
): void {
  const entry: JournalEntry = {
    time: isoTime(arrived),
    method,
    path: req.url ?? '/',
    status: res.statusCode,
    durationMs: Math.round((performance.now() - started) * 10) / 10,
    headers: journalHeaders(headers.entries()),
    bytesIn: notes.bytesIn,
    bytesOut: res.bodyBytes,
  };
  if (notes.mailbox) entry.mailbox = notes.mailbox;
  if (notes.token) entry.token = notes.token;
  if (notes.messageId) entry.messageId = notes.messageId;
  if (notes.answer) entry.answer = notes.answer;
  state.journal.fill(slot, entry);
}

async function answerFailure(ctx: RouteContext, error: unknown): Promise<void> {
  const { req, res } = ctx;
  if (res.headersSent || res.destroyed) return void res.destroy();
  let failure: Failure;
  if (error instanceof Failure) failure = error;
  else {
    // A bug of ours; say so without echoing request data (which could hold a secret).
    console.error(
      `mesh-assure sandbox: internal error on ${ctx.method} ${ctx.path}: ${error instanceof Error ? error.stack : String(error)}`,
    );
    failure = new Failure(500, { kind: 'generic' }, true);
  }
  if (!failure.close && !req.complete && !req.readableEnded) {
    const declared = Number(req.headers['content-length'] ?? Infinity);
    if (declared <= DRAIN_AFTER_ERROR_BYTES) await drainBody(ctx).catch(() => undefined);
    if (!req.complete) failure = new Failure(failure.status, failure.body, true);
  }
  if (res.headersSent || res.destroyed) return;
  const socket = req.socket as typeof req.socket | null;
  sendFailure(res, failure, ctx.version);
  if (failure.close) res.once('finish', () => socket?.destroySoon());
}
