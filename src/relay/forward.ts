/**
 * One product request through the relay: forwarded as it came (only Host becomes the target's), the
 * answer returned as it came, both bodies streamed with backpressure, and one journal entry made as the
 * answer is handed back. A fault reaches the product as what the target did (a cut connection) or, when
 * no answer has started, as a 502 naming the cause.
 */
import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import { request, type Agent } from 'node:https';
import { answerFacts, errorBody, HeaderBag, MEDIA_JSON, MEDIA_V2, negotiateVersion } from '../protocol/index.ts';
import { describeConnectionFailure } from '../mesh/errors.ts';
import { noteStreamed } from '../runtime/streamed-memory.ts';
import type { Journal } from '../sandbox/journal.ts';
import { journalEntry, type Exchange } from './journal-entry.ts';
import type { TargetConnection } from './options.ts';

export interface RelayContext {
  target: TargetConnection;
  /** Keeps connections to the target and shares them; `fresh` opens a new one for each request. */
  agents: { pooled: Agent; fresh: Agent };
  journal: Journal;
}

/**
 * How a kept connection the target had already closed shows when a request is written to it: it is reset,
 * or hangs up, before any answer.
 */
const STALE_CONNECTION = new Set(['ECONNRESET', 'EPIPE']);

/** A send's answer is a small JSON body naming the new message: this much of it is kept to read the id. */
const SEND_ANSWER_BYTES = 4096;

/** The product's headers in their order and spelling, with Host naming the target. */
function forwardedHeaders(raw: string[], host: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() !== 'host') out.push(raw[i]!, raw[i + 1]!);
  return ['Host', host, ...out];
}

const corked = new WeakSet<object>();

/**
 * A TLS socket hands over its reads as 16 KiB pieces, several in one tick; held until the tick ends they
 * leave in one writev (one TLS flush, one system call) instead of one each. bench:relay A/B, two runs of
 * three rounds each: median relay/direct 1.20 and 1.24 with it, 1.29 and 1.30 without.
 */
function corkForTick(out: { cork(): void; uncork(): void }): void {
  if (corked.has(out)) return;
  corked.add(out);
  out.cork();
  process.nextTick(() => {
    corked.delete(out);
    out.uncork();
  });
}

function sentMessageId(answer: Buffer): string | undefined {
  try {
    const body = JSON.parse(answer.toString('utf8')) as { message_id?: unknown; messageID?: unknown };
    const id = body.message_id ?? body.messageID;
    return typeof id === 'string' ? id.toUpperCase() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Why the target gave no answer. A close before any answer is told apart from the client's own
 * reading (which would blame the client certificate for any close): only a new connection closed at
 * once points at the certificate, and then with what was configured.
 */
function failureCause(
  error: NodeJS.ErrnoException,
  x: { target: TargetConnection; method: string; path: string; bytesSent: number; freshConnection: boolean },
): string {
  const { tls } = x.target;
  const where = `${x.method} ${x.target.url.origin}${x.path}`;
  if (error.code === 'ETIMEDOUT_RELAY') return `${where}: ${error.message}`;
  if (error.code === 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' && !tls.cert && !tls.pfx) {
    return `${where}: the target asks for a client certificate and none is configured: set MESH_CLIENT_CERT and MESH_CLIENT_KEY (or MESH_CLIENT_PFX) to the one issued for this mailbox`;
  }
  // OpenSSL's text spans lines; a 502's description and a journal line are one line each.
  if (error.code !== 'ECONNRESET')
    return describeConnectionFailure(
      error,
      { operation: 'relay', method: x.method, path: x.path, mailboxId: '' },
      x.target.url.origin,
    ).message.replace(/\s*\n\s*/g, ' ');
  const certificate = !x.freshConnection
    ? ''
    : tls.cert || tls.pfx
      ? '; a target that closes a new connection at once has usually refused the client certificate: check that MESH_CLIENT_CERT and MESH_CLIENT_KEY (or MESH_CLIENT_PFX) are the ones issued for this mailbox and environment, and not expired'
      : '; no client certificate is configured (MESH_CLIENT_CERT and MESH_CLIENT_KEY, or MESH_CLIENT_PFX): a target that asks for one closes the connection';
  return `${where}: the target closed the connection before answering, after ${x.bytesSent} bytes of the request body${certificate}`;
}

export function relayRequest(ctx: RelayContext, req: IncomingMessage, res: ServerResponse): void {
  const { target, journal } = ctx;
  const started = performance.now();
  const arrived = new Date();
  const slot = journal.reserve();
  const method = req.method ?? 'GET';
  const path = req.url ?? '/';
  const seen: Omit<Exchange, 'durationMs'> = {
    arrived,
    method,
    path,
    headers: new HeaderBag(req.headers).entries(),
    authorization: req.headers.authorization,
    status: 0,
    bytesIn: 0,
    bytesOut: 0,
  };
  let journalled = false;
  const record = (fault?: string): void => {
    if (journalled) return;
    journalled = true;
    journal.fill(slot, journalEntry({ ...seen, durationMs: performance.now() - started, ...(fault ? { fault } : {}) }));
  };
  // The answer stays the target's own: no Date or other header of the relay's is added.
  res.sendDate = false;
  req.on('data', (piece: Buffer) => {
    seen.bytesIn += piece.length;
    noteStreamed(piece.length);
    corkForTick(upstream);
  });

  /**
   * A request without a body can be written again as it was: when a kept connection turns out to have been
   * closed by the target (a server's idle timeout racing the next request), it is sent once more on a new
   * connection instead of giving the product a 502 for what was never the target's answer. A body has
   * already streamed from the product and is never sent twice.
   */
  const replayable = !req.headers['transfer-encoding'] && Number(req.headers['content-length'] ?? 0) === 0;
  let retried = false;

  /** The connection to the product is cut: the only way to tell it an answer already under way is broken. */
  const cut = (fault: string): void => {
    res.destroy();
    upstream.destroy();
    record(fault);
  };

  const onResponse = (answer: IncomingMessage): void => {
    seen.status = answer.statusCode ?? 502;
    // What a download or HEAD says of the message (a REPORT and on what), read once from headers node has parsed.
    const facts = method === 'GET' || method === 'HEAD' ? answerFacts(answer.headers) : undefined;
    if (facts) seen.answer = facts;
    res.writeHead(seen.status, answer.statusMessage, answer.rawHeaders);
    const keep =
      method === 'POST' && /\/outbox(?:\?|$)/.test(path) && !answer.headers['content-encoding']
        ? ([] as Buffer[])
        : undefined;
    let kept = 0;
    answer.on('data', (piece: Buffer) => {
      seen.bytesOut += piece.length;
      noteStreamed(piece.length);
      corkForTick(res);
      if (keep && kept < SEND_ANSWER_BYTES) {
        keep.push(piece);
        kept += piece.length;
      }
    });
    answer.pipe(res, { end: false });
    answer.on('end', () => {
      const id = keep && seen.status < 300 ? sentMessageId(Buffer.concat(keep)) : undefined;
      if (id) seen.sentMessageId = id;
      // Journalled as the answer is handed over: whoever reads it must find the entry, as on the sandbox.
      res.end();
      record();
    });
    answer.on('error', () => undefined); // its 'close' below says what happened
    answer.on('close', () => {
      if (!answer.complete) cut(`the target closed the connection after ${seen.bytesOut} bytes of the answer's body`);
    });
  };

  const onError = (attempt: ClientRequest, error: NodeJS.ErrnoException): void => {
    // Once the target has answered, the answer tells the product what happened (a 413 that stopped an upload, say).
    if (seen.status !== 0 || journalled) return;
    if (replayable && !retried && attempt.reusedSocket && STALE_CONNECTION.has(error.code ?? '')) {
      retried = true;
      upstream = forward(ctx.agents.fresh);
      upstream.end();
      return;
    }
    const fault = `mesh-assure relay: ${failureCause(error, { target, method, path, bytesSent: seen.bytesIn, freshConnection: !attempt.reusedSocket })}`;
    if (res.headersSent || res.destroyed) return cut(fault);
    seen.status = 502;
    const accept = negotiateVersion(req.headers.accept);
    const version = accept.ok ? accept.version : 1;
    const body = JSON.stringify(errorBody(version, { event: 'RELAY', code: '502', description: fault }));
    // The rest of an upload the target never took is not read: the connection closes after the answer.
    const close = req.complete ? {} : { connection: 'close' };
    res.writeHead(502, {
      'content-type': version === 2 ? MEDIA_V2 : MEDIA_JSON,
      'content-length': Buffer.byteLength(body),
      ...close,
    });
    res.end(body);
    record(fault);
  };

  /** The product's request, as it came, to the target through `agent`. */
  function forward(agent: Agent): ClientRequest {
    const attempt = request({
      host: target.url.hostname,
      port: target.url.port || 443,
      method,
      path: `${target.basePath}${path}`,
      headers: forwardedHeaders(req.rawHeaders, target.url.host),
      agent,
      timeout: target.timeoutMs,
    });
    attempt.on('timeout', () =>
      attempt.destroy(
        Object.assign(new Error(`the target sent nothing for ${Math.round(target.timeoutMs / 1000)} s`), {
          code: 'ETIMEDOUT_RELAY',
        }),
      ),
    );
    attempt.on('response', onResponse);
    attempt.on('error', (error: NodeJS.ErrnoException) => onError(attempt, error));
    return attempt;
  }

  let upstream = forward(ctx.agents.pooled);
  req.pipe(upstream);

  // A product gone away shows in 'close' below; its streams' errors say nothing more.
  req.on('error', () => undefined);
  res.on('error', () => undefined);
  res.on('close', () => {
    if (journalled) return;
    upstream.destroy();
    record(
      req.complete
        ? 'the product closed the connection before the answer was complete'
        : `the product closed the connection after ${seen.bytesIn} bytes of its request body`,
    );
  });
}
