/** The undici Agent: mutual TLS from PEM or PFX files, the server CA, keep-alive and timeouts. */
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { Agent } from 'undici';
import type { ClientTls } from '../config/settings.ts';

// undici parses HTTP with llhttp built to WebAssembly. V8 first compiles it with its baseline compiler and
// later, once it is hot (early in a large transfer), recompiles the parser with its optimising one on a
// background thread: about 35 MB of memory for a tenth of a second, a quarter of the client's memory
// budget. Parsing MESH's few response headers is cheap either way, so the baseline code is kept. Set
// before undici compiles llhttp, which it does on the first connection.
setFlagsFromString('--liftoff-only');

export interface TransportOptions {
  tls?: ClientTls;
  /** Server CA bundle (PEM file). Without it, Node's trusted roots verify the server. */
  caCertPath?: string;
  /**
   * Turns server certificate verification off. Only for a named test that needs it: the reason is
   * required so that nobody does this by accident, and it is reported with the client's settings.
   */
  insecureSkipServerVerification?: { reason: string };
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
}

function readConfigured(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'error';
    throw new Error(`cannot read the ${what} at ${path} (${code}): check the path and its permissions`);
  }
}

export function createAgent(options: TransportOptions): Agent {
  const { tls = {}, caCertPath, insecureSkipServerVerification } = options;
  if (insecureSkipServerVerification && insecureSkipServerVerification.reason.trim() === '') {
    throw new Error('insecureSkipServerVerification needs a reason: server verification stays on unless a named test turns it off');
  }
  const connect: Record<string, unknown> = {
    rejectUnauthorized: !insecureSkipServerVerification,
    timeout: options.connectTimeoutMs ?? 30_000,
    minVersion: 'TLSv1.2',
  };
  if (caCertPath) connect.ca = readConfigured(caCertPath, 'server CA bundle (MESH_CA_CERT)');
  if (tls.pfxPath) {
    connect.pfx = readConfigured(tls.pfxPath, 'client PFX (MESH_CLIENT_PFX)');
    if (tls.keyPassphrase) connect.passphrase = tls.keyPassphrase;
  } else if (tls.certPath || tls.keyPath) {
    if (!tls.certPath || !tls.keyPath) throw new Error('a client certificate needs both MESH_CLIENT_CERT and MESH_CLIENT_KEY');
    connect.cert = readConfigured(tls.certPath, 'client certificate (MESH_CLIENT_CERT)');
    connect.key = readConfigured(tls.keyPath, 'client private key (MESH_CLIENT_KEY)');
    if (tls.keyPassphrase) connect.passphrase = tls.keyPassphrase;
  }
  const requestTimeout = options.requestTimeoutMs ?? 300_000;
  return new Agent({
    connect,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 120_000,
    headersTimeout: requestTimeout,
    bodyTimeout: requestTimeout,
  });
}
