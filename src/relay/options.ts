/** What a relay is asked to do, checked before anything listens: a target it can verify, and how the product connects. */
import { readFileSync } from 'node:fs';
import type { ClientTls, Settings } from '../config/index.ts';
import type { RelayJournalEntry } from './journal-entry.ts';

export type RelayListen = 'tls' | 'plain';

export interface RelayOptions {
  /** The MESH server the product's requests go to (https only: its certificate is always verified). */
  targetUrl: string;
  /** CA bundle (PEM file) that verifies the target; Node's trusted roots when absent. */
  caCertPath?: string;
  /** The supplier's client certificate for the target (mutual TLS); without one, only a target that asks for none answers. */
  clientTls?: ClientTls;
  /** How the product talks to the relay: TLS with a certificate from the relay's own CA (default), or plain HTTP. */
  listen?: RelayListen;
  /** Default 127.0.0.1: the relay is for a product on the same machine. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** Where the relay's CA and server certificate are kept and reused (default: a fresh temporary folder). */
  tlsDir?: string;
  /** Every journal entry is appended here as one JSON object a line. */
  journalFile?: string;
  /** Journal entries kept in memory (default the sandbox journal's; Infinity keeps all). */
  journalMemoryEntries?: number;
  /** A target that sends nothing for this long is given up on (default 300 s, as MESH_REQUEST_TIMEOUT_S). */
  targetTimeoutMs?: number;
  /** Called with each journal entry as it is recorded (the CLI prints a line each). */
  onEntry?: (entry: RelayJournalEntry) => void;
}

/** The target's connection settings, read once: a missing file is an error at start, not at the first request. */
export interface TargetConnection {
  url: URL;
  /** The target's base path (no trailing slash), put before each request's path. */
  basePath: string;
  tls: { ca?: Buffer; cert?: Buffer; key?: Buffer; pfx?: Buffer; passphrase?: string };
  timeoutMs: number;
}

function readSetting(path: string, setting: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new Error(
      `relay: cannot read ${setting} at ${path} (${(error as { code?: string }).code ?? 'error'}): check the path and its permissions`,
    );
  }
}

export function targetConnection(options: RelayOptions): TargetConnection {
  let url: URL;
  try {
    url = new URL(options.targetUrl);
  } catch {
    throw new Error(
      `relay: the target "${options.targetUrl}" is not a URL: use int, dep or a base URL such as https://mesh.example.org`,
    );
  }
  // The relay exists to vouch for what reached a real MESH server: an unverified or plain hop would not.
  if (url.protocol !== 'https:')
    throw new Error(
      `relay: the target ${url.origin} is not https: the relay forwards only over TLS, verifying the target's certificate`,
    );
  const { clientTls = {} } = options;
  if (clientTls.pfxPath && (clientTls.certPath || clientTls.keyPath))
    throw new Error('relay: use either MESH_CLIENT_PFX or MESH_CLIENT_CERT with MESH_CLIENT_KEY, not both');
  if (Boolean(clientTls.certPath) !== Boolean(clientTls.keyPath))
    throw new Error('relay: a client certificate needs both MESH_CLIENT_CERT and MESH_CLIENT_KEY');
  const tls: TargetConnection['tls'] = {};
  if (options.caCertPath) tls.ca = readSetting(options.caCertPath, 'the target CA bundle (MESH_CA_CERT)');
  if (clientTls.pfxPath) tls.pfx = readSetting(clientTls.pfxPath, 'the client PFX (MESH_CLIENT_PFX)');
  if (clientTls.certPath) tls.cert = readSetting(clientTls.certPath, 'the client certificate (MESH_CLIENT_CERT)');
  if (clientTls.keyPath) tls.key = readSetting(clientTls.keyPath, 'the client private key (MESH_CLIENT_KEY)');
  if (clientTls.keyPassphrase) tls.passphrase = clientTls.keyPassphrase;
  return { url, basePath: url.pathname.replace(/\/+$/, ''), tls, timeoutMs: options.targetTimeoutMs ?? 300_000 };
}

/**
 * The relay for the sut mailbox of `settings` (as `run` reads them): its target, the CA that verifies it
 * and the mailbox's client certificate. The embedded sandbox needs none: its journal already has every request.
 */
export function relayOptionsFrom(
  settings: Settings,
  extra: Omit<RelayOptions, 'targetUrl' | 'caCertPath' | 'clientTls'> = {},
): RelayOptions {
  if (settings.target === 'sandbox' || !settings.baseUrl) {
    throw new Error(
      'relay needs --target int, dep or a URL (or MESH_TARGET): on the embedded sandbox its own journal already records every request (see "mesh-assure observe")',
    );
  }
  return {
    targetUrl: settings.baseUrl,
    ...(settings.caCertPath ? { caCertPath: settings.caCertPath } : {}),
    clientTls: settings.sut.tls,
    targetTimeoutMs: settings.requestTimeoutMs,
    ...extra,
  };
}
