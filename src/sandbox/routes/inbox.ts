/**
 * Receiving: download (GET /inbox/{id}[/{n}]), HEAD and acknowledge (mesh-api-notes 4.4 to 4.7), with
 * the gzip negotiation of 6.4. Bodies stream from disk; nothing is held whole in memory.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants as zlib, createGunzip, createGzip } from 'node:zlib';
import { answerFacts, HEADER, MEDIA_JSON, MESH_ERRORS } from '../../protocol/index.ts';
import { authorise, drainBody, notFoundMessage, requireVersion, type RouteContext } from '../context.ts';
import { noteStreamed } from '../../runtime/streamed-memory.ts';
import { downloadHeaders } from '../message-views.ts';
import { meshFailure, sendEmpty, sendJson } from '../replies.ts';
import { statusOf, type StoredMessage } from '../store/message.ts';
import { parseChunkNumber } from './params.ts';

function findMessage(ctx: RouteContext): StoredMessage {
  const messageId = (ctx.params.messageId ?? '').toUpperCase();
  ctx.notes.messageId = messageId;
  const message = ctx.state.store.get(messageId);
  if (!message) throw notFoundMessage();
  return message;
}

/** The recipient may read an accepted message (and, relaxed, an acknowledged one); anything else is 410. */
function checkReadable(ctx: RouteContext, message: StoredMessage): void {
  const status = statusOf(message);
  const readable = status === 'accepted' || (status === 'acknowledged' && ctx.state.options.relax.downloadAfterAck);
  if (!readable) throw meshFailure(410, MESH_ERRORS.messageGone);
}

export async function download(ctx: RouteContext): Promise<void> {
  await drainBody(ctx);
  const { mailbox } = authorise(ctx);
  const version = requireVersion(ctx);
  const chunk = parseChunkNumber(ctx.params.chunk);
  const message = findMessage(ctx);
  if (message.recipient !== mailbox.mailboxId) throw meshFailure(403, MESH_ERRORS.forbidden);
  checkReadable(ctx, message);
  const size = message.chunkSizes[chunk - 1];
  if (chunk > message.totalChunks || size === null || size === undefined) throw notFoundMessage();

  const acceptsGzip = (ctx.headers.get(HEADER.acceptEncoding) ?? '').toLowerCase().includes('gzip');
  const stored = message.contentEncoding;
  // Stored gzip goes out as is to a client that takes gzip, and is unpacked for one that does not;
  // plain content is gzipped on the fly for a v2 client that asks for it (v1 never is).
  const gunzip = stored === 'gzip' && !acceptsGzip;
  const gzipOnTheFly = stored !== 'gzip' && acceptsGzip && version === 2 && size > 0;
  // Level 1: the default (6) held a download to about 27 MB/s of server CPU (witness 402/501, bench:client).
  const transform = gunzip ? createGunzip() : gzipOnTheFly ? createGzip({ level: zlib.Z_BEST_SPEED }) : undefined;
  const sendsGzip = (stored === 'gzip' && acceptsGzip) || gzipOnTheFly;
  const headers = downloadHeaders(message, chunk);
  headers['content-type'] =
    version === 2 && message.totalChunks === 1 && message.contentType
      ? message.contentType
      : 'application/octet-stream';
  headers['last-modified'] = new Date(message.events[0]?.timestamp ?? message.createdAt).toUTCString();
  if (sendsGzip) headers['content-encoding'] = 'gzip';
  if (!transform) headers['content-length'] = String(size);
  ctx.notes.answer = answerFacts(headers);
  ctx.res.writeHead(chunk < message.totalChunks ? 206 : 200, headers);
  if (size === 0) return void ctx.res.end();
  const bytes = await ctx.state.store.readChunk(message.messageId, chunk);
  if (Buffer.isBuffer(bytes) && !transform) return void ctx.res.end(bytes);
  const source = Buffer.isBuffer(bytes) ? Readable.from([bytes]) : bytes;
  source.on('data', (piece: Buffer) => noteStreamed(piece.length)); // a listener, not a Transform stage: no extra buffering
  // A failure half-way (a client gone, a disk error) can only be told by cutting the connection.
  await (transform ? pipeline(source, transform, ctx.res) : pipeline(source, ctx.res)).catch(() => ctx.res.destroy());
}

/** HEAD: the headers of chunk 1. The sender may look at its own message in any status. */
export async function head(ctx: RouteContext): Promise<void> {
  const { mailbox } = authorise(ctx);
  requireVersion(ctx);
  const message = findMessage(ctx);
  const isSender = message.sender === mailbox.mailboxId;
  if (message.recipient !== mailbox.mailboxId && !isSender) throw notFoundMessage();
  if (!isSender) checkReadable(ctx, message);
  const headers = downloadHeaders(message, 1);
  ctx.notes.answer = answerFacts(headers);
  sendEmpty(ctx.res, 200, headers);
}

export async function acknowledge(ctx: RouteContext): Promise<void> {
  await drainBody(ctx); // the JS client sends a JSON body here; it means nothing
  const { mailbox } = authorise(ctx);
  const version = requireVersion(ctx);
  const message = findMessage(ctx);
  if (message.recipient !== mailbox.mailboxId) throw meshFailure(403, MESH_ERRORS.forbidden);
  if (statusOf(message) === 'accepted') await ctx.state.lifecycle.acknowledge(message);
  if (version === 2) sendEmpty(ctx.res, 200);
  else sendJson(ctx.res, 200, { messageId: message.messageId }, MEDIA_JSON);
}
