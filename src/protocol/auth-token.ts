/**
 * The NHSMESH Authorization header: making it (client) and checking it (server).
 * Format: `NHSMESH <mailbox>:<nonce>:<nonce_count>:<timestamp>:<hmac>` where the HMAC-SHA256, keyed with
 * the environment's shared key, signs `mailbox:nonce:nonce_count:password:timestamp`.
 */
import { createHmac, createSecretKey, randomUUID, timingSafeEqual, type KeyObject } from 'node:crypto';

export const AUTH_SCHEME = 'NHSMESH';

export interface TokenInput {
  sharedKey: string;
  mailboxId: string;
  password: string;
  /** Defaults to a fresh UUID v4, so every request carries a token never used before. */
  nonce?: string;
  nonceCount?: number;
  /** Defaults to now. */
  time?: Date;
}

export interface TokenParts {
  mailboxId: string;
  nonce: string;
  nonceCount: string;
  timestamp: string;
  hmac: string;
}

/** `yyyyMMddHHmm` in UTC, the token's minute-precision timestamp. */
export function formatTokenTimestamp(time: Date): string {
  return time.toISOString().replace(/[-T:]/g, '').slice(0, 12);
}

/** The instant a token timestamp names, or undefined when it is not a real `yyyyMMddHHmm` time. */
export function parseTokenTimestamp(timestamp: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(timestamp);
  if (!m) return undefined;
  const [year, month, day, hour, minute] = m.slice(1).map(Number) as [number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute));
  const roundTrips =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute;
  return roundTrips ? date : undefined;
}

/** The last shared key as a KeyObject: an HMAC keyed with one costs about a third less than with raw bytes. */
let lastKey: { text: string; key: KeyObject } | undefined;

export function tokenHmac(sharedKey: string, parts: Omit<TokenParts, 'hmac'>, password: string): string {
  if (lastKey?.text !== sharedKey) lastKey = { text: sharedKey, key: createSecretKey(Buffer.from(sharedKey, 'utf8')) };
  const signed = `${parts.mailboxId}:${parts.nonce}:${parts.nonceCount}:${password}:${parts.timestamp}`;
  return createHmac('sha256', lastKey.key).update(signed, 'utf8').digest('hex');
}

export function makeAuthToken(input: TokenInput): string {
  const parts = {
    mailboxId: input.mailboxId.toUpperCase(),
    nonce: input.nonce ?? randomUUID(),
    nonceCount: String(input.nonceCount ?? 0),
    timestamp: formatTokenTimestamp(input.time ?? new Date()),
  };
  if (parts.nonce.includes(':')) throw new Error('The auth token nonce must not contain ":"');
  const hmac = tokenHmac(input.sharedKey, parts, input.password);
  return `${AUTH_SCHEME} ${parts.mailboxId}:${parts.nonce}:${parts.nonceCount}:${parts.timestamp}:${hmac}`;
}

export type TokenParseResult = { ok: true; parts: TokenParts } | { ok: false; reason: TokenRejection };

/** Why a header was refused; each maps to one 403 text of the real service (see errors.ts). */
export type TokenRejection =
  'unreadable' | 'scheme' | 'mailbox-mismatch' | 'bad-hmac' | 'stale' | 'reused' | 'unknown-mailbox';

/**
 * Parses a header strictly: the `NHSMESH ` scheme, exactly five fields, a decimal nonce count,
 * a real timestamp and a 64-digit lower-case hex HMAC.
 */
export function parseAuthToken(
  header: string | undefined,
  options: { requireScheme?: boolean } = {},
): TokenParseResult {
  const value = (header ?? '').trim();
  if (value === '') return { ok: false, reason: 'unreadable' };
  let rest: string;
  if (value.startsWith(`${AUTH_SCHEME} `)) rest = value.slice(AUTH_SCHEME.length + 1);
  else if (options.requireScheme === false) rest = value.replace(/^nhsmesh\s+/i, '');
  else return { ok: false, reason: 'scheme' };
  const fields = rest.split(':');
  if (fields.length !== 5) return { ok: false, reason: 'unreadable' };
  const [mailboxId, nonce, nonceCount, timestamp, hmac] = fields as [string, string, string, string, string];
  if (mailboxId === '' || /\s/.test(mailboxId) || nonce === '' || !/^\d+$/.test(nonceCount)) {
    return { ok: false, reason: 'unreadable' };
  }
  if (!/^\d{12}$/.test(timestamp) || !/^[0-9a-fA-F]{64}$/.test(hmac)) return { ok: false, reason: 'unreadable' };
  return { ok: true, parts: { mailboxId, nonce, nonceCount, timestamp, hmac } };
}

/** Constant-time comparison of the header's HMAC with the one the server computes. */
export function verifyAuthToken(parts: TokenParts, sharedKey: string, password: string): boolean {
  const expected = Buffer.from(tokenHmac(sharedKey, parts, password), 'hex');
  const given = Buffer.from(parts.hmac.toLowerCase(), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

let lastParsed: { timestamp: string; ms: number | undefined } = { timestamp: '', ms: undefined };

/**
 * True when the token's timestamp is within `windowMs` of `now` (2 hours on the real service). The token
 * names a whole minute, so the comparison is made at minute precision.
 */
export function isTokenTimeFresh(timestamp: string, now: Date, windowMs = 2 * 60 * 60 * 1000): boolean {
  // Tokens made in the same minute share their timestamp: parse each one once.
  if (timestamp !== lastParsed.timestamp) lastParsed = { timestamp, ms: parseTokenTimestamp(timestamp)?.getTime() };
  const nowMinute = Math.floor(now.getTime() / 60_000) * 60_000;
  return lastParsed.ms !== undefined && Math.abs(lastParsed.ms - nowMinute) <= windowMs;
}

/**
 * The header with its HMAC removed, safe for logs and evidence:
 * `NHSMESH <mailbox>:<nonce>:<count>:<timestamp>:<redacted>`. Anything unparseable is redacted whole.
 */
export function redactAuthorization(header: string | undefined): string {
  if (header === undefined) return '';
  const parsed = parseAuthToken(header, { requireScheme: false });
  if (!parsed.ok) return '<redacted>';
  const { mailboxId, nonce, nonceCount, timestamp } = parsed.parts;
  return `${AUTH_SCHEME} ${mailboxId}:${nonce}:${nonceCount}:${timestamp}:<redacted>`;
}
