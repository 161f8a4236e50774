/**
 * What the client throws. Every error is a MeshClientError with a stable `code` (as undici's UND_ERR_*),
 * so the CLI, doctor and the pack tell failures apart without reading message text; each message names
 * the operation that failed ("download <id>: 410 Gone: ...").
 */
import { STATUS_CODES } from 'node:http';
import type { ParsedError } from '../protocol/index.ts';

export const MESH_ERROR_CODES = {
  /** MESH refused the credentials (401/403): mailbox id, password, shared key or client certificate. */
  auth: 'MESH_ERR_AUTH',
  /** 404: no such message, mailbox or path. */
  notFound: 'MESH_ERR_NOT_FOUND',
  /** 410: the message was acknowledged or expired. */
  gone: 'MESH_ERR_GONE',
  /** Any other 4xx: the request itself was refused; repeating it will not help. */
  rejected: 'MESH_ERR_REJECTED',
  /** 429 or 5xx after the retries allowed: try again later. */
  unavailable: 'MESH_ERR_UNAVAILABLE',
  /** No connection: refused, reset, DNS. */
  connect: 'MESH_ERR_CONNECT',
  /** Connecting or waiting for an answer took longer than allowed. */
  timeout: 'MESH_ERR_TIMEOUT',
  /** TLS failed: server certificate not trusted, client certificate refused, key not readable. */
  tls: 'MESH_ERR_TLS',
  /** The HTTPS proxy could not be reached or refused the tunnel. */
  proxy: 'MESH_ERR_PROXY',
  /** The HTTPS proxy asked for credentials (407) it did not get or did not accept. */
  proxyAuth: 'MESH_ERR_PROXY_AUTH',
  /** A 2xx answer that breaks the protocol (bad JSON, a body against the schema, a broken gzip body). */
  protocol: 'MESH_ERR_PROTOCOL',
  /** The caller asked for something impossible (a chunk size out of range, a source shorter than declared). */
  invalidArgument: 'MESH_ERR_INVALID_ARG',
  /** A configured file (certificate, key, CA bundle) could not be read. */
  config: 'MESH_ERR_CONFIG',
  /** A call on a client after its close(). */
  closed: 'MESH_ERR_CLOSED',
} as const;

export type MeshErrorCode = (typeof MESH_ERROR_CODES)[keyof typeof MESH_ERROR_CODES];

/** What request failed, for messages and records. */
export interface RequestContext {
  /** What the caller was doing, as a user would say it: `download <id>`, `send chunk 2 of 5 of <id>`. */
  operation: string;
  method: string;
  path: string;
  mailboxId: string;
}

/** The base of every error the client throws. */
export class MeshClientError extends Error {
  override name = 'MeshClientError';
  constructor(
    message: string,
    readonly code: MeshErrorCode,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

function codeOfStatus(status: number): MeshErrorCode {
  if (status === 401 || status === 403) return MESH_ERROR_CODES.auth;
  if (status === 404) return MESH_ERROR_CODES.notFound;
  if (status === 410) return MESH_ERROR_CODES.gone;
  if (status === 429 || status >= 500) return MESH_ERROR_CODES.unavailable;
  return MESH_ERROR_CODES.rejected;
}

/** A MESH error code worth showing: a short token such as `12` or `EPL-151`, not a sentence. */
const SHOWN_MESH_CODE = /^[\w-]{1,16}$/;

/** A non-2xx answer from MESH, with the event, MESH error code and text of its body in whichever shape it came. */
export class MeshError extends MeshClientError {
  override name = 'MeshError';
  readonly status: number;
  readonly event: string;
  /** MESH's own error code from the body (`12`, `EPL-151`), not the stable `code`. */
  readonly meshCode: string;
  readonly description: string;
  readonly messageId: string | undefined;
  readonly bodyShape: ParsedError['shape'];
  readonly request: RequestContext;
  /** The server's Retry-After header, when it sent one. */
  readonly retryAfter: string | undefined;

  constructor(status: number, parsed: ParsedError, request: RequestContext, retryAfter?: string) {
    const reason = STATUS_CODES[status] ?? 'Error';
    const text = parsed.description || '(no error text)';
    const detail = SHOWN_MESH_CODE.test(parsed.code)
      ? ` (MESH ${[parsed.event, parsed.code].filter(Boolean).join(' ')})`
      : '';
    super(`${request.operation}: ${status} ${reason}: ${text}${detail}${hintFor(status)}`, codeOfStatus(status));
    this.status = status;
    this.event = parsed.event;
    this.meshCode = parsed.code;
    this.description = parsed.description;
    this.messageId = parsed.messageId;
    this.bodyShape = parsed.shape;
    this.request = request;
    this.retryAfter = retryAfter;
  }
}

function hintFor(status: number): string {
  switch (status) {
    case 403:
      return ' (authentication failed: check the mailbox id, password, shared key and client certificate, and that the mailbox is active)';
    case 410:
      return ' (it was acknowledged or has expired)';
    case 413:
      return ' (the request is larger than the server accepts: send it in smaller chunks)';
    default:
      return '';
  }
}

/** MESH (or the proxy in front of it) could not be reached, or the connection failed. */
export class MeshConnectionError extends MeshClientError {
  override name = 'MeshConnectionError';
  constructor(
    message: string,
    code: MeshErrorCode,
    /** The underlying Node, OpenSSL or undici code (ECONNREFUSED, CERT_HAS_EXPIRED, UND_ERR_SOCKET). */
    readonly systemCode: string,
    readonly request: RequestContext,
    options?: { cause?: unknown },
  ) {
    super(message, code, options);
  }
}

/** The response was 2xx but not what the protocol promises (bad JSON, a body that breaks the schema). */
export class MeshProtocolError extends MeshClientError {
  override name = 'MeshProtocolError';
  constructor(
    message: string,
    readonly request: RequestContext,
  ) {
    super(`${request.operation}: ${message}`, MESH_ERROR_CODES.protocol);
  }
}

/** A call the client cannot make as asked; nothing was sent. */
export class MeshArgumentError extends MeshClientError {
  override name = 'MeshArgumentError';
  constructor(message: string) {
    super(message, MESH_ERROR_CODES.invalidArgument);
  }
}

/** A configured file could not be read. */
export class MeshConfigError extends MeshClientError {
  override name = 'MeshConfigError';
  constructor(message: string) {
    super(message, MESH_ERROR_CODES.config);
  }
}

const TLS_CLIENT_CERT_HINT =
  'the server closed the connection during the TLS handshake, which usually means it refused the client certificate: ' +
  'check that MESH_CLIENT_CERT and MESH_CLIENT_KEY (or MESH_CLIENT_PFX) are the certificate issued for this mailbox and environment, and that it has not expired';

/** The proxy a failed request went through, named in errors (never with its credentials). */
export interface ProxyInUse {
  /** The proxy URL without user name or password. */
  display: string;
  /** Where the setting came from: MESH_PROXY, HTTPS_PROXY or https_proxy. */
  source: string;
}

/** Turns undici/Node/OpenSSL failures into a message a user can act on. */
export function describeConnectionFailure(
  error: unknown,
  request: RequestContext,
  baseUrl: string,
  proxy?: ProxyInUse,
): MeshConnectionError {
  const err = error as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const raw = err.cause?.message ?? err.message ?? String(error);
  const causeCode = err.cause?.code ?? err.code ?? 'UNKNOWN';
  const explain = (code: MeshErrorCode, text: string) =>
    new MeshConnectionError(
      `${request.operation}: ${request.method} ${baseUrl}${request.path} failed: ${text}`,
      code,
      causeCode,
      request,
      { cause: error },
    );
  if (proxy) {
    const viaProxy = describeProxyFailure(raw, causeCode, proxy);
    if (viaProxy) return explain(viaProxy.code, viaProxy.text);
  }
  const C = MESH_ERROR_CODES;
  switch (causeCode) {
    case 'ECONNREFUSED':
      return explain(
        C.connect,
        `nothing is listening at ${baseUrl} (connection refused): check MESH_TARGET / MESH_URL, or start the sandbox`,
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return explain(C.connect, `the host name of ${baseUrl} does not resolve: check MESH_URL and your network/DNS`);
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return baseUrl.startsWith('https:')
        ? explain(C.tls, `${TLS_CLIENT_CERT_HINT} (${raw})`)
        : explain(C.connect, `the server closed the connection (${raw})`);
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return explain(
        C.timeout,
        `connecting timed out: the server did not answer; check the URL and any firewall or proxy`,
      );
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return explain(C.timeout, `the server stopped responding within the request timeout (MESH_REQUEST_TIMEOUT_S)`);
    case 'CERT_HAS_EXPIRED':
      return explain(C.tls, 'the server certificate has expired, or the system clock is wrong');
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
      return explain(
        C.tls,
        `the server certificate does not chain to a trusted CA (${causeCode}): set MESH_CA_CERT to the CA bundle of this environment (for int and dep the NHS PTL G2 chain is used by default)`,
      );
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return explain(C.tls, `the server certificate is not valid for this host name: check MESH_URL (${raw})`);
    case 'ERR_OSSL_BAD_DECRYPT':
    case 'ERR_OSSL_EVP_BAD_DECRYPT':
      return explain(C.tls, 'the client private key could not be decrypted: check MESH_CLIENT_KEY_PASSPHRASE');
    default:
      if (/bad decrypt|mac verify failure/i.test(raw))
        return explain(C.tls, 'the client key or PFX could not be decrypted: check the passphrase');
      if (/alert|handshake|certificate/i.test(raw))
        return explain(C.tls, `TLS failed (${causeCode}): ${raw}. ${TLS_CLIENT_CERT_HINT}`);
      return explain(C.connect, `${raw} (${causeCode})`);
  }
}

/** A failure that happened at the proxy rather than at MESH: unreachable, refusing the tunnel, or asking for credentials. */
function describeProxyFailure(
  raw: string,
  causeCode: string,
  proxy: ProxyInUse,
): { code: MeshErrorCode; text: string } | undefined {
  const named = `the proxy ${proxy.display} (from ${proxy.source})`;
  const answered = /Proxy response \((\d+)\)/.exec(raw);
  // 407 asks for credentials; some proxies (tinyproxy) answer 401 to wrong ones.
  if (answered?.[1] === '407' || answered?.[1] === '401') {
    return {
      code: MESH_ERROR_CODES.proxyAuth,
      text: `${named} wants credentials it did not get or did not accept (${answered[1]}): put the user name and password in the proxy URL (http://user:password@host:port)`,
    };
  }
  if (answered)
    return {
      code: MESH_ERROR_CODES.proxy,
      text: `${named} refused to open a tunnel to MESH (it answered ${answered[1]}): check that the proxy allows CONNECT to this host and port`,
    };
  if (
    causeCode === 'ECONNREFUSED' ||
    causeCode === 'ENOTFOUND' ||
    causeCode === 'EAI_AGAIN' ||
    causeCode === 'ECONNRESET'
  ) {
    return {
      code: MESH_ERROR_CODES.proxy,
      text: `${named} could not be reached (${causeCode}): check the proxy setting, or add the MESH host to NO_PROXY if it should be reached directly`,
    };
  }
  return undefined;
}
