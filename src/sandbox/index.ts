/** The embedded MESH sandbox: a faithful MESH API v2 server on a real socket (see docs/sandbox.md). */
import { mkdir, mkdtemp } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SANDBOX_DEFAULTS } from '../config/targets.ts';
import { TOKEN_MEMORY_MS, TokenMemory } from './auth.ts';
import { createClock } from './clock.ts';
import type { SandboxState } from './context.ts';
import { Faults } from './faults.ts';
import { Journal, JOURNAL_MEMORY_ENTRIES, tokensJournalledSince } from './journal.ts';
import { Lifecycle } from './lifecycle.ts';
import { Mailboxes } from './mailboxes.ts';
import {
  ADMIN_PREFIX,
  RELAX_RULES,
  type ResolvedOptions,
  type RunningSandbox,
  type SandboxOptions,
} from './options.ts';
import { createSandboxServer } from './server.ts';
import { SettingsFile } from './settings-file.ts';
import { openLogStore } from './store/log-store.ts';
import { prepareTls } from './tls.ts';
import { startListening } from '../runtime/listen.ts';

export type { RelaxOptions, RunningSandbox, SandboxOptions } from './options.ts';
export { RELAX_RULES } from './options.ts';
export type { JournalEntry } from './journal.ts';

export const SANDBOX_DEFAULT_PORT = 8700;

async function resolveOptions(options: SandboxOptions): Promise<ResolvedOptions> {
  const dataDir = options.dataDir ? resolve(options.dataDir) : await mkdtemp(join(tmpdir(), 'mesh-sandbox-'));
  await mkdir(dataDir, { recursive: true });
  /** The value or its fallback, refused unless at least `min` (and finite, unless `infinite` is allowed). */
  const checked = (
    name: string,
    value: number | undefined,
    fallback: number,
    { min = Number.MIN_VALUE, infinite = false } = {},
  ): number => {
    const v = value ?? fallback;
    if (!(v >= min) || (v === Infinity && !infinite)) {
      const rule = min === Number.MIN_VALUE ? 'a positive number' : `at least ${min}`;
      throw new RangeError(`sandbox option ${name} must be ${rule}${infinite ? ' (or Infinity)' : ''}, not ${value}`);
    }
    return v;
  };
  return {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    dataDir,
    tls: options.tls ?? 'none',
    sharedKey: options.sharedKey ?? SANDBOX_DEFAULTS.sharedKey,
    configFile: options.configFile,
    relax: Object.fromEntries(
      RELAX_RULES.map((rule) => [rule, options.relax?.[rule] === true]),
    ) as ResolvedOptions['relax'],
    expiryDays: checked('expiryDays', options.expiryDays, 5),
    maxRequestBytes: checked('maxRequestBytes', options.maxRequestBytes, 100_000_000),
    now: options.now,
    requestTimeoutMs: checked('requestTimeoutMs', options.requestTimeoutMs, 300_000),
    journal: options.journal ?? true,
    journalMemoryEntries: checked('journalMemoryEntries', options.journalMemoryEntries, JOURNAL_MEMORY_ENTRIES, {
      min: 1,
      infinite: true,
    }),
  };
}

export async function startSandbox(input: SandboxOptions = {}): Promise<RunningSandbox> {
  const options = await resolveOptions(input);
  const mailboxes = Mailboxes.load(options.configFile);
  const settings = new SettingsFile(options.dataDir);
  const saved = await settings.read();
  for (const id of saved.disabledMailboxes) {
    const mailbox = mailboxes.mailbox(id);
    if (mailbox) mailbox.active = false;
  }
  const store = await openLogStore(options.dataDir);
  const clock = createClock(options.now, saved.clockOffsetMs, (offsetMs) => {
    void settings.write(() => ({
      clockOffsetMs: offsetMs,
      disabledMailboxes: mailboxes
        .all()
        .filter((m) => !m.active)
        .map((m) => m.mailboxId),
    }));
    void lifecycle.expireAndDeleteDue();
  });
  const lifecycle = new Lifecycle(store, clock, options.expiryDays, options.relax.expiry);
  const journal = new Journal(options.journal ? options.dataDir : undefined, options.journalMemoryEntries);
  const tokens = new TokenMemory();
  // Tokens used before a restart stay used: the journal's last two hours are read back into memory.
  if (options.journal)
    for (const token of tokensJournalledSince(options.dataDir, clock.now().getTime() - TOKEN_MEMORY_MS))
      tokens.seenBefore(token, token.arrivedMs);
  const state: SandboxState = {
    options,
    mailboxes,
    store,
    clock,
    tokens,
    journal,
    faults: new Faults(),
    settings,
    lifecycle,
  };
  const tls = await prepareTls(options, mailboxes);
  const server = createSandboxServer(state, tls?.files);
  await startListening(server, options.port, options.host, 'sandbox');
  const port = (server.address() as AddressInfo).port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const baseUrl = `${tls ? 'https' : 'http'}://${host}:${port}`;
  await lifecycle.expireAndDeleteDue();
  let closing: Promise<void> | undefined;
  const shutDown = async (): Promise<void> => {
    server.closeIdleConnections();
    const closed = new Promise<void>((resolveClose) => server.close(() => resolveClose()));
    setTimeout(() => server.closeAllConnections(), 1_000).unref();
    await closed;
    await journal.close();
    await store.close();
  };
  return {
    baseUrl,
    port,
    dataDir: options.dataDir,
    ...(tls ? { tls: tls.material } : {}),
    mailboxes: mailboxes.all().map((m) => ({ mailboxId: m.mailboxId, password: m.password, odsCode: m.odsCode })),
    sharedKey: options.sharedKey,
    adminUrl: `${baseUrl}${ADMIN_PREFIX}`,
    clock: { now: () => clock.now(), advance: (ms: number) => clock.advance(ms) },
    journal: { entries: (filter) => journal.entries(filter) },
    close: () => (closing ??= shutDown()),
  };
}
