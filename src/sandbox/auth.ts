/**
 * The NHSMESH check the real service makes (mesh-api-notes 3): scheme, five fields, mailbox equal to the
 * path, known mailbox, HMAC, active mailbox, timestamp within 2 hours, and one token one request. Each
 * real-service rule the official sandbox skips has a relax switch.
 */
import type { TLSSocket } from 'node:tls';
import {
  AUTH_SCHEME,
  isTokenTimeFresh,
  MESH_ERRORS,
  verifyAuthToken,
  type ErrorSpec,
  type TokenParseResult,
  type TokenParts,
} from '../protocol/index.ts';
import type { Mailboxes, Mailbox } from './mailboxes.ts';
import type { RelaxOptions } from './options.ts';
import { meshFailure } from './replies.ts';

/** How long a used token is remembered, at least: longer than its timestamp stays fresh. */
export const TOKEN_MEMORY_MS = 2 * 60 * 60 * 1000;

const certificateMismatch: ErrorSpec = {
  event: '',
  code: '',
  description: 'Client certificate was not issued to this mailbox',
};

/**
 * Tokens seen, remembered for at least 2 hours of sandbox time (longer than a fresh timestamp stays
 * fresh): two generations of 2 hours each, the older dropped whole when a new one starts, so nothing is
 * scanned to forget old tokens.
 */
export class TokenMemory {
  #current = new Set<string>();
  #previous = new Set<string>();
  #generationEnds = -Infinity;

  /** True when this token was seen before; remembers it either way. */
  seenBefore(parts: Pick<TokenParts, 'mailboxId' | 'nonce' | 'nonceCount'>, nowMs: number): boolean {
    if (nowMs >= this.#generationEnds) {
      // After a long gap (a moved clock) the current generation is already old: drop both.
      this.#previous = nowMs >= this.#generationEnds + TOKEN_MEMORY_MS ? new Set() : this.#current;
      this.#current = new Set();
      this.#generationEnds = nowMs + TOKEN_MEMORY_MS;
    }
    const key = `${parts.mailboxId}:${parts.nonce}:${parts.nonceCount}`;
    if (this.#previous.has(key)) return true;
    const size = this.#current.size;
    return this.#current.add(key).size === size;
  }

  clear(): void {
    this.#current.clear();
    this.#previous.clear();
  }
}

export interface AuthInput {
  header: string | undefined;
  /** The header parsed leniently (any scheme spelling, or none): the caller journals the token from it. */
  parsed: TokenParseResult;
  pathMailbox: string;
  socket: unknown;
  mtls: boolean;
  now: Date;
  /** Marked used once the token has passed every check but reuse: from then on it counts as used. */
  usage?: { used: boolean } | undefined;
}

export interface Authenticated {
  mailbox: Mailbox;
  token: TokenParts;
}

/** Authenticates a request or throws a 403 Failure with the real service's text. */
export function authenticate(
  input: AuthInput,
  ctx: { mailboxes: Mailboxes; sharedKey: string; relax: Required<RelaxOptions>; tokens: TokenMemory },
): Authenticated {
  const { relax } = ctx;
  const { parsed } = input;
  // The strict parse differs from the lenient one only in wanting the scheme exactly so.
  const schemeMissing = !relax.scheme && !(input.header ?? '').trim().startsWith(`${AUTH_SCHEME} `);
  if (!parsed.ok || schemeMissing) throw meshFailure(403, MESH_ERRORS.authUnreadable);
  const token = parsed.parts;
  const tokenMailbox = relax.scheme ? token.mailboxId.toUpperCase() : token.mailboxId;
  const pathMailbox = relax.scheme ? input.pathMailbox.toUpperCase() : input.pathMailbox;
  if (tokenMailbox !== pathMailbox) throw meshFailure(403, MESH_ERRORS.authMailboxMismatch);
  const mailbox = ctx.mailboxes.mailbox(pathMailbox);
  if (!mailbox) throw meshFailure(403, MESH_ERRORS.noMailboxMatched);
  if (!verifyAuthToken(token, ctx.sharedKey, mailbox.password)) throw meshFailure(403, MESH_ERRORS.authInvalid);
  if (!mailbox.active) throw meshFailure(403, MESH_ERRORS.inactiveMailbox);
  if (!relax.tokenTime && !isTokenTimeFresh(token.timestamp, input.now)) throw meshFailure(403, MESH_ERRORS.authStale);
  if (input.mtls && !relax.mtls && certificateMailbox(input.socket) !== mailbox.mailboxId)
    throw meshFailure(403, certificateMismatch);
  if (input.usage) input.usage.used = true;
  if (ctx.tokens.seenBefore(token, input.now.getTime()) && !relax.tokenReuse)
    throw meshFailure(403, MESH_ERRORS.authReused);
  return { mailbox, token };
}

/** The mailbox named by a client certificate's CN, `<mailbox>.<ods>.api.mesh-client.nhs.uk`. */
function certificateMailbox(socket: unknown): string | undefined {
  const peer = (socket as Partial<TLSSocket>).getPeerCertificate?.();
  const cn = peer?.subject?.CN;
  const name = Array.isArray(cn) ? cn[0] : cn;
  return name?.split('.')[0]?.toUpperCase();
}
