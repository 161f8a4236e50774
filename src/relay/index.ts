/**
 * The recording relay: the product talks to it instead of a MESH server it cannot see the logs of (INT,
 * DEP, a URL), and it forwards every request unchanged over (mutual) TLS, verifying the target, while
 * journalling each in the sandbox journal's format so the assessor rules judge the product there too.
 */
import { appendFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Agent, createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { Journal, JOURNAL_MEMORY_ENTRIES, type JournalFilter } from '../sandbox/journal.ts';
import { relayRequest } from './forward.ts';
import type { RelayJournalEntry } from './journal-entry.ts';
import { listenerTls } from './listener-tls.ts';
import { targetConnection, type RelayOptions } from './options.ts';
import { startListening } from '../runtime/listen.ts';

export { relayOptionsFrom } from './options.ts';

export type { RelayJournalEntry } from './journal-entry.ts';
export type { RelayOptions } from './options.ts';
export { judgeJournal, readJournalFile } from './judge.ts';

export interface RunningRelay {
  /** The base URL the product is configured with (its MESH_URL). */
  url: string;
  /** The CA that issued the relay's certificate (the product's MESH_CA_CERT); undefined when plain. */
  caCertPath: string | undefined;
  /** Where the requests go. */
  targetUrl: string;
  journal: { entries(filter?: JournalFilter): RelayJournalEntry[] };
  close(): Promise<void>;
}

/** The journal file, its folder made: a file that cannot be written is said at start (the journal itself stays quiet about disk errors). */
async function writableJournal(path: string): Promise<string> {
  try {
    await mkdir(dirname(path), { recursive: true });
    await appendFile(path, '');
    return path;
  } catch (error) {
    throw new Error(
      `relay: cannot write the journal ${path} (${(error as { code?: string }).code ?? 'error'}): give --journal a file in a folder you can write to`,
    );
  }
}

export async function startRelay(options: RelayOptions): Promise<RunningRelay> {
  const target = targetConnection(options);
  const host = options.host ?? '127.0.0.1';
  const listen = options.listen ?? 'tls';
  const ownTlsDir = listen === 'tls' && !options.tlsDir ? await mkdtemp(join(tmpdir(), 'mesh-relay-')) : undefined;
  const tls = listen === 'tls' ? await listenerTls(options.tlsDir ?? ownTlsDir!, host) : undefined;
  const journalFile = options.journalFile ? await writableJournal(resolve(options.journalFile)) : undefined;
  const journal = new Journal(
    journalFile && dirname(journalFile),
    options.journalMemoryEntries ?? JOURNAL_MEMORY_ENTRIES,
    journalFile && basename(journalFile),
  );
  const { onEntry } = options;
  if (onEntry) journal.watch((entry) => onEntry(entry as RelayJournalEntry));
  // Connections to the target are kept and shared, as a client of its own would keep them; verification is never off.
  const connection = { rejectUnauthorized: true, minVersion: 'TLSv1.2', ...target.tls } as const;
  const agents = { pooled: new Agent({ keepAlive: true, ...connection }), fresh: new Agent(connection) };
  const listener = (req: IncomingMessage, res: ServerResponse): void =>
    relayRequest({ target, agents, journal }, req, res);
  // The target times requests out; the relay does not cut a slow upload the target would still take.
  const serverOptions = { requestTimeout: 0, headersTimeout: 60_000 };
  const server: Server = tls
    ? createHttpsServer({ ...serverOptions, key: tls.key, cert: tls.cert }, listener)
    : createHttpServer(serverOptions, listener);
  await startListening(server, options.port ?? 0, host, 'relay');
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  const shutDown = async (): Promise<void> => {
    server.closeIdleConnections();
    const closed = new Promise<void>((done) => server.close(() => done()));
    setTimeout(() => server.closeAllConnections(), 1_000).unref();
    await closed;
    agents.pooled.destroy();
    agents.fresh.destroy();
    await journal.close();
    if (ownTlsDir) await rm(ownTlsDir, { recursive: true, force: true });
  };
  return {
    url: `${tls ? 'https' : 'http'}://${shownHost}:${port}`,
    caCertPath: tls?.caCertPath,
    targetUrl: `${target.url.origin}${target.basePath}`,
    journal: { entries: (filter) => journal.entries(filter) as RelayJournalEntry[] },
    close: () => (closing ??= shutDown()),
  };
}
