/**
 * The undici dispatcher: mutual TLS from PEM or PFX files, the server CA, keep-alive and timeouts, and
 * an HTTPS proxy (CONNECT tunnel) when one applies, with the same TLS settings inside the tunnel.
 */
import { readFileSync } from 'node:fs';
import { Agent, ProxyAgent, type Dispatcher } from 'undici';
import type { ClientTls } from '../config/settings.ts';
import { MeshArgumentError, MeshConfigError } from './errors.ts';
import type { ProxyInUse } from './errors.ts';
import { chooseProxy } from './proxy.ts';

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
  /** The MESH_PROXY setting: a proxy URL, or `none` to ignore HTTPS_PROXY. */
  proxy?: string;
  /** Where HTTPS_PROXY and NO_PROXY are read (default: this process's environment). */
  env?: Record<string, string | undefined>;
}

export interface Transport {
  dispatcher: Dispatcher;
  /** The proxy requests go through (without its credentials), and why. */
  route: { proxy: ProxyInUse | undefined; reason: string };
}

function readConfigured(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'error';
    throw new MeshConfigError(`cannot read the ${what} at ${path} (${code}): check the path and its permissions`);
  }
}

/** The TLS options of a connection to MESH: the same whether direct or inside a proxy's tunnel. */
function tlsOptions(options: TransportOptions): Record<string, unknown> {
  const { tls = {}, caCertPath, insecureSkipServerVerification } = options;
  if (insecureSkipServerVerification && insecureSkipServerVerification.reason.trim() === '') {
    throw new MeshArgumentError(
      'insecureSkipServerVerification needs a reason: server verification stays on unless a named test turns it off',
    );
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
    if (!tls.certPath || !tls.keyPath)
      throw new MeshConfigError('a client certificate needs both MESH_CLIENT_CERT and MESH_CLIENT_KEY');
    connect.cert = readConfigured(tls.certPath, 'client certificate (MESH_CLIENT_CERT)');
    connect.key = readConfigured(tls.keyPath, 'client private key (MESH_CLIENT_KEY)');
    if (tls.keyPassphrase) connect.passphrase = tls.keyPassphrase;
  }
  return connect;
}

/** The dispatcher for requests to `baseUrl`, through the proxy that applies to it. */
export function createTransport(baseUrl: string, options: TransportOptions): Transport {
  const { proxy, reason } = chooseProxy(baseUrl, options.proxy, options.env);
  if (!proxy) return { dispatcher: createAgent(options), route: { proxy: undefined, reason } };
  const connect = tlsOptions(options);
  // The tunnel carries MESH's TLS end to end: the client certificate is presented to MESH, not to the proxy.
  const dispatcher = new ProxyAgent({
    ...timeouts(options),
    uri: proxy.url,
    requestTls: connect,
    proxyTls: { timeout: connect.timeout as number },
  });
  return { dispatcher, route: { proxy: { display: proxy.display, source: proxy.source }, reason } };
}

/** A direct Agent with the client's TLS settings, never through a proxy. */
export function createAgent(options: TransportOptions): Agent {
  return new Agent({ ...timeouts(options), connect: tlsOptions(options) });
}

function timeouts(options: TransportOptions) {
  const requestTimeout = options.requestTimeoutMs ?? 300_000;
  return {
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 120_000,
    headersTimeout: requestTimeout,
    bodyTimeout: requestTimeout,
  };
}
