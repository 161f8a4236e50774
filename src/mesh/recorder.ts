/**
 * The exchange record: what the client tells its observer about every HTTP request, already redacted.
 * It carries the Authorization header only as `NHSMESH <mailbox>:<nonce>:<count>:<timestamp>:<redacted>`
 * and payloads only as byte counts and SHA-256 digests, so it is safe for logs and evidence.
 */
import { redactAuthorization } from '../protocol/index.ts';

export interface Exchange {
  seq: number;
  mailboxId: string;
  startedAt: string;
  method: string;
  path: string;
  /** 0 when no response arrived. */
  status: number;
  durationMs: number;
  attempt: number;
  requestHeaders: Record<string, string>;
  responseHeaders: Record<string, string>;
  bytesSent: number;
  bytesReceived: number;
  sentSha256?: string;
  receivedSha256?: string;
  error?: string;
}

export type ExchangeObserver = (exchange: Exchange) => void;

/** Request headers worth recording: authorization (redacted), accept*, content-*, and every mex-* header. */
export function recordableRequestHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (lower === 'authorization') out[lower] = redactAuthorization(value);
    else if (lower.startsWith('mex-') || lower.startsWith('content-') || lower.startsWith('accept')) out[lower] = value;
  }
  return out;
}

/** Response headers worth recording: content-*, retry-after, date (the server's clock), and every mex-* header. */
export function recordableResponseHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).filter(
      ([name]) => name.startsWith('mex-') || name.startsWith('content-') || name === 'retry-after' || name === 'date',
    ),
  );
}
