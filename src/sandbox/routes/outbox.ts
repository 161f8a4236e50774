/**
 * Sending: POST /outbox (chunk 1, or the whole message) and POST /outbox/{id}/{n} (chunks 2..N),
 * mesh-api-notes 4.2 and 4.3, with the send errors in the order the service evaluates them. A 202 is
 * answered only once the chunk bytes and the message metadata are durable on disk.
 */
import { pipeline, type Readable } from 'node:stream';
import {
  ChunkRangeError,
  HEADER,
  isoTime,
  MEDIA_JSON,
  MEDIA_V2,
  MESH_ERRORS,
  parseChunkRange,
  parseFlag,
  type ApiVersion,
  type ChunkRange,
  type HeaderBag,
} from '../../protocol/index.ts';
import {
  authorise,
  limitedBody,
  readSmallBody,
  requireVersion,
  rethrowBodyError,
  type RouteContext,
} from '../context.ts';
import { BadGzipBody, GzipCheck, SEND_HEADER_LIMITS } from '../limits.ts';
import { Failure, meshFailure, missing, sendJson, validationFailure, type ValidationItem } from '../replies.ts';
import { allChunksArrived, statusOf, type StoredMessage } from '../store/message.ts';
import { parseChunkNumber } from './params.ts';

// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const CONTROL_CHARACTER = /[\x00-\x1f]/;
const URL_VALUE = /^https?:\/\//i;
const CHECKSUM = /^[A-Za-z0-9\s:\-/]*$/;

const SEND_HEADER_LIMIT_ENTRIES = Object.entries(SEND_HEADER_LIMITS);
/** Headers whose value may not be a URL. */
const URL_CHECKED = [HEADER.to, HEADER.workflowId, HEADER.contentChecksum];

function hasControlCharacter(headers: HeaderBag): boolean {
  for (const [name, value] of headers.entries())
    if (name.startsWith('mex-') && CONTROL_CHARACTER.test(value)) return true;
  return false;
}

/** Checks (2) to (6) of the send order: malformed headers, checksum, Accept, validation, blank mex-To. */
function checkSendHeaders(ctx: RouteContext): ApiVersion {
  const { headers } = ctx;
  const problems: ValidationItem[] = [];
  for (const name of [HEADER.to, HEADER.workflowId])
    if (headers.get(name) === undefined) problems.push(missing('header', name));
  for (const [name, max] of SEND_HEADER_LIMIT_ENTRIES) {
    const value = headers.get(name);
    if (value !== undefined && value.length > max) {
      problems.push({
        type: 'string_too_long',
        loc: ['header', name],
        msg: `String should have at most ${max} characters`,
      });
    }
  }
  if (problems.length === 0) {
    if (hasControlCharacter(headers) || URL_CHECKED.some((n) => URL_VALUE.test(headers.get(n)?.trim() ?? ''))) {
      throw meshFailure(400, MESH_ERRORS.malformedControlFile);
    }
    if (!CHECKSUM.test(headers.get(HEADER.contentChecksum) ?? '')) throw meshFailure(400, MESH_ERRORS.invalidChecksum);
  }
  const version = requireVersion(ctx);
  if (problems.length > 0) throw validationFailure(problems);
  if (headers.get(HEADER.to)!.trim() === '') throw meshFailure(400, MESH_ERRORS.toMissing);
  return version;
}

/** `gzip` or none; anything else is 422. */
function contentEncoding(ctx: RouteContext): 'gzip' | undefined {
  const value = ctx.headers.get(HEADER.contentEncoding)?.trim().toLowerCase() ?? '';
  if (value === '') return undefined;
  if (value === 'gzip') return 'gzip';
  throw meshFailure(422, MESH_ERRORS.unsupportedEncoding);
}

function chunkRange(ctx: RouteContext, messageId?: string): ChunkRange {
  try {
    return parseChunkRange(ctx.headers.get(HEADER.chunkRange));
  } catch (error) {
    if (error instanceof ChunkRangeError) throw meshFailure(417, MESH_ERRORS.invalidChunks, messageId);
    throw error;
  }
}

/** Pipeline errors reach writeChunk through the returned stream. */
function ignoreError(): void {}

/** The message fields taken as they are from optional send headers. */
const OPTIONAL_FIELDS = [
  ['subject', HEADER.subject],
  ['localId', HEADER.localId],
  ['partnerId', HEADER.partnerId],
  ['checksum', HEADER.contentChecksum],
] as const;

/** Streams the body to the chunk file, checking gzip bodies on the way; a small plain body is read whole. */
async function storeChunk(
  ctx: RouteContext,
  message: { messageId: string; contentEncoding?: 'gzip' },
  chunk: number,
): Promise<number> {
  const { req } = ctx;
  try {
    let source: Readable | Buffer;
    if (message.contentEncoding === 'gzip') source = pipeline(req, limitedBody(ctx), new GzipCheck(), ignoreError);
    else if (req.headers['content-length'] === undefined) source = pipeline(req, limitedBody(ctx), ignoreError);
    // A declared length passed the size limit already and node:http reads no further: no limit stage.
    else source = (await readSmallBody(ctx)) ?? req;
    return (ctx.notes.bytesIn = await ctx.state.store.writeChunk(message.messageId, chunk, source));
  } catch (error) {
    if (error instanceof BadGzipBody)
      throw new Failure(
        400,
        { kind: 'mesh', spec: { event: 'SEND', code: '', description: error.message }, messageId: message.messageId },
        true,
      );
    return rethrowBodyError(error);
  }
}

function sendAccepted(ctx: RouteContext, version: ApiVersion, messageId: string, chunk?: number): void {
  if (version === 2) sendJson(ctx.res, 202, { message_id: messageId }, MEDIA_V2);
  else
    sendJson(
      ctx.res,
      202,
      chunk === undefined ? { messageID: messageId } : { messageID: messageId, blockID: chunk },
      MEDIA_JSON,
    );
}

export async function sendMessage(ctx: RouteContext): Promise<void> {
  const { state, headers } = ctx;
  const { mailbox } = authorise(ctx);
  const version = checkSendHeaders(ctx);
  const encoding = contentEncoding(ctx);
  const range = headers.get(HEADER.chunkRange) === undefined ? { chunk: 1, total: 1 } : chunkRange(ctx);
  if (range.chunk !== 1) throw meshFailure(417, MESH_ERRORS.invalidChunks);
  const recipient = headers.get(HEADER.to)!.trim().toUpperCase();
  if (!state.mailboxes.mailbox(recipient)) throw meshFailure(417, MESH_ERRORS.unregisteredRecipient);
  const workflowId = headers.get(HEADER.workflowId)!.trim();
  if (!state.options.relax.workflowPermissions) {
    const refusal = state.mailboxes.refusal(workflowId, mailbox.mailboxId, recipient);
    if (refusal === 'sender') throw meshFailure(417, MESH_ERRORS.senderNotAllowed);
    if (refusal === 'receiver') throw meshFailure(417, MESH_ERRORS.workflowNotRegistered);
  }
  if (headers.get(HEADER.contentLength) === '0') throw meshFailure(417, MESH_ERRORS.missingDataFile);

  const now = state.clock.now();
  const messageId = state.lifecycle.newMessageId(now);
  ctx.notes.messageId = messageId;
  const contentType = optional(headers, HEADER.mexContentType) ?? optional(headers, HEADER.contentType)?.toLowerCase();
  const message: StoredMessage = {
    messageId,
    messageType: 'DATA',
    sender: mailbox.mailboxId,
    recipient,
    workflowId,
    fileName: optional(headers, HEADER.fileName) ?? `${messageId}.dat`,
    encrypted: parseFlag(headers.get(HEADER.contentEncrypted)),
    compressed: parseFlag(headers.get(HEADER.contentCompressed)),
    totalChunks: range.total,
    chunkSizes: new Array<number | null>(range.total).fill(null),
    events: [],
    createdAt: isoTime(now),
  };
  // Optional fields are set only when given (assigned, not spread in: spreading cost a send microseconds).
  for (const [field, name] of OPTIONAL_FIELDS) {
    const value = optional(headers, name);
    if (value !== undefined) message[field] = value;
  }
  if (contentType !== undefined) message.contentType = contentType;
  if (encoding !== undefined) message.contentEncoding = encoding;
  const size = await storeChunk(ctx, message, 1).catch(async (error: unknown) => {
    await state.store.discardChunk(messageId, 1);
    throw error;
  });
  if (size === 0) {
    await state.store.discardChunk(messageId, 1);
    throw meshFailure(417, MESH_ERRORS.missingDataFile);
  }
  message.chunkSizes[0] = size;
  if (range.total === 1) await state.lifecycle.deliver(message);
  else await state.lifecycle.beginUpload(message);
  sendAccepted(ctx, version, messageId);
}

export async function sendChunk(ctx: RouteContext): Promise<void> {
  const { state } = ctx;
  const { mailbox } = authorise(ctx);
  const version = requireVersion(ctx);
  const chunk = parseChunkNumber(ctx.params.chunk);
  const messageId = (ctx.params.messageId ?? '').toUpperCase();
  ctx.notes.messageId = messageId;
  const message = state.store.get(messageId);
  if (!message) throw meshFailure(404, MESH_ERRORS.notFound);
  if (message.sender !== mailbox.mailboxId) throw meshFailure(403, MESH_ERRORS.forbidden);
  if (message.messageType !== 'DATA') throw new Failure(406, { kind: 'generic' });
  if (statusOf(message) !== 'uploading') throw new Failure(423, { kind: 'generic' });
  const range = chunkRange(ctx, messageId);
  if (range.chunk !== chunk || range.total !== message.totalChunks) {
    if (chunk > message.totalChunks && range.chunk === chunk) throw new Failure(406, { kind: 'generic' });
    throw meshFailure(417, MESH_ERRORS.invalidChunks, messageId);
  }
  if (contentEncoding(ctx) !== message.contentEncoding)
    throw meshFailure(417, MESH_ERRORS.cannotChangeEncoding, messageId);
  const size = await storeChunk(ctx, message, chunk);
  // A chunk that took long to arrive may find its message deleted meanwhile (30 days after the upload began).
  if (state.store.get(messageId) !== message) {
    await state.store.discardChunk(messageId, chunk);
    throw meshFailure(404, MESH_ERRORS.notFound);
  }
  message.chunkSizes[chunk - 1] = size;
  // Chunks may arrive in any order; the message is delivered once all of them are on disk.
  if (statusOf(message) === 'uploading' && allChunksArrived(message)) await state.lifecycle.deliver(message);
  else await state.store.save(message);
  sendAccepted(ctx, version, messageId, chunk);
}

/** A header's trimmed value; undefined when absent or blank. */
function optional(headers: HeaderBag, name: string): string | undefined {
  return headers.get(name)?.trim() || undefined;
}
