/**
 * How the sandbox answers: JSON in the media type of the negotiated version (v2 always
 * `application/vnd.mesh.v2+json`), MESH errors in v1 or v2 shape, FastAPI-like validation errors, the
 * generic body, and routing errors. Handlers throw a Failure; the server turns it into a response.
 */
import type { ServerResponse } from 'node:http';
import {
  errorBody,
  GENERIC_ERROR_BODY,
  MEDIA_JSON,
  MEDIA_V2,
  type ApiVersion,
  type ErrorSpec,
} from '../protocol/index.ts';

export interface ValidationItem {
  type: string;
  loc: [string, string];
  msg: string;
}

export type FailureBody =
  | { kind: 'mesh'; spec: ErrorSpec; messageId?: string; version?: ApiVersion }
  | { kind: 'validation'; items: ValidationItem[] }
  | { kind: 'generic' }
  | { kind: 'routing'; detail: string; allow?: string[] };

/** An error answer; `close` also ends the connection (after an unread or oversized body). */
export class Failure extends Error {
  override name = 'Failure';
  constructor(
    readonly status: number,
    readonly body: FailureBody,
    readonly close = false,
  ) {
    super(body.kind === 'mesh' ? body.spec.description : body.kind);
  }
}

export const meshFailure = (status: number, spec: ErrorSpec, messageId?: string): Failure =>
  new Failure(status, { kind: 'mesh', spec, ...(messageId ? { messageId } : {}) });

export const validationFailure = (items: ValidationItem[]): Failure => new Failure(400, { kind: 'validation', items });

export const missing = (where: 'header' | 'query', name: string): ValidationItem => ({
  type: 'missing',
  loc: [where, name],
  msg: 'Field required',
});

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  contentType: string,
  extra: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), ...extra });
  res.end(text);
}

/** A success body in the shape and media type of the caller's version. */
export function sendVersioned(
  res: ServerResponse,
  version: ApiVersion,
  status: number,
  v1: unknown,
  v2: unknown,
): void {
  if (version === 2) sendJson(res, status, v2, MEDIA_V2);
  else sendJson(res, status, v1, MEDIA_JSON);
}

export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-length': '0', ...headers });
  res.end();
}

export function sendFailure(res: ServerResponse, failure: Failure, version: ApiVersion): void {
  const extra: Record<string, string> = failure.close ? { connection: 'close' } : {};
  const body = failure.body;
  switch (body.kind) {
    case 'mesh': {
      const v = body.version ?? version;
      sendJson(res, failure.status, errorBody(v, body.spec, body.messageId), v === 2 ? MEDIA_V2 : MEDIA_JSON, extra);
      return;
    }
    case 'validation':
      sendJson(res, failure.status, { detail: body.items }, version === 2 ? MEDIA_V2 : MEDIA_JSON, extra);
      return;
    case 'generic':
      sendJson(res, failure.status, GENERIC_ERROR_BODY, MEDIA_JSON, extra);
      return;
    case 'routing':
      sendJson(
        res,
        failure.status,
        { detail: body.detail },
        MEDIA_JSON,
        body.allow ? { ...extra, allow: body.allow.join(', ') } : extra,
      );
  }
}
