/** What the client throws: MESH answered with an error (MeshError), or never answered (MeshConnectionError). */
import type { ParsedError } from '../protocol/index.ts';

export interface RequestContext {
  method: string;
  path: string;
  mailboxId: string;
}

/** A non-2xx answer from MESH, with the event, code and text of its body in whichever shape it came. */
export class MeshError extends Error {
  override name = 'MeshError';
  readonly status: number;
  readonly event: string;
  readonly code: string;
  readonly description: string;
  readonly messageId: string | undefined;
  readonly bodyShape: ParsedError['shape'];
  readonly request: RequestContext;

  constructor(status: number, parsed: ParsedError, request: RequestContext) {
    const detail = [parsed.event, parsed.code].filter(Boolean).join('/');
    const text = parsed.description || '(no error text)';
    super(`MESH answered ${status} to ${request.method} ${request.path}: ${detail ? `${detail} ` : ''}${text}${hintFor(status)}`);
    this.status = status;
    this.event = parsed.event;
    this.code = parsed.code;
    this.description = parsed.description;
    this.messageId = parsed.messageId;
    this.bodyShape = parsed.shape;
    this.request = request;
  }
}

function hintFor(status: number): string {
  switch (status) {
    case 403:
      return ' (authentication failed: check the mailbox id, password, shared key and client certificate, and that the mailbox is active)';
    case 413:
      return ' (the request is larger than the server accepts: send it in smaller chunks)';
    default:
      return '';
  }
}

/** MESH could not be reached or the connection failed; `hint` says what to check. */
export class MeshConnectionError extends Error {
  override name = 'MeshConnectionError';
  constructor(
    message: string,
    readonly code: string,
    readonly request: RequestContext,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The response was 2xx but not what the protocol promises (bad JSON, a body that breaks the schema). */
export class MeshProtocolError extends Error {
  override name = 'MeshProtocolError';
  constructor(message: string, readonly request: RequestContext) {
    super(message);
  }
}

const TLS_CLIENT_CERT_HINT =
  'the server closed the connection during the TLS handshake, which usually means it refused the client certificate: ' +
  'check that MESH_CLIENT_CERT and MESH_CLIENT_KEY (or MESH_CLIENT_PFX) are the certificate issued for this mailbox and environment, and that it has not expired';

/** Turns undici/Node/OpenSSL failures into a message a user can act on. */
export function describeConnectionFailure(error: unknown, request: RequestContext, baseUrl: string): MeshConnectionError {
  const err = error as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = err.cause?.code ?? err.code ?? 'UNKNOWN';
  const raw = err.cause?.message ?? err.message ?? String(error);
  const where = `${request.method} ${baseUrl}${request.path}`;
  const explain = (text: string) => new MeshConnectionError(`${where} failed: ${text}`, code, request, { cause: error });
  switch (code) {
    case 'ECONNREFUSED':
      return explain(`nothing is listening at ${baseUrl} (connection refused): check MESH_TARGET / MESH_URL, or start the sandbox`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return explain(`the host name of ${baseUrl} does not resolve: check MESH_URL and your network/DNS`);
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return explain(baseUrl.startsWith('https:') ? `${TLS_CLIENT_CERT_HINT} (${raw})` : `the server closed the connection (${raw})`);
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return explain(`connecting timed out: the server did not answer; check the URL and any firewall or proxy`);
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return explain(`the server stopped responding within the request timeout (MESH_REQUEST_TIMEOUT_S)`);
    case 'CERT_HAS_EXPIRED':
      return explain('the server certificate has expired, or the system clock is wrong');
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
      return explain(`the server certificate does not chain to a trusted CA (${code}): set MESH_CA_CERT to the CA bundle of this environment (for int and dep the NHS PTL G2 chain is used by default)`);
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return explain(`the server certificate is not valid for this host name: check MESH_URL (${raw})`);
    case 'ERR_OSSL_BAD_DECRYPT':
    case 'ERR_OSSL_EVP_BAD_DECRYPT':
      return explain('the client private key could not be decrypted: check MESH_CLIENT_KEY_PASSPHRASE');
    default:
      if (/bad decrypt|mac verify failure/i.test(raw)) return explain('the client key or PFX could not be decrypted: check the passphrase');
      if (/alert|handshake|certificate/i.test(raw)) return explain(`TLS failed (${code}): ${raw}. ${TLS_CLIENT_CERT_HINT}`);
      return explain(`${raw} (${code})`);
  }
}
