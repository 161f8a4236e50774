/** What startSandbox accepts, and the defaults that make it behave like the real service. */
import type { SandboxClock } from './clock.ts';
import type { JournalEntry, JournalFilter } from './journal.ts';
import type { SandboxTlsMaterial } from '../pki/index.ts';
import type { PublicMailbox } from './mailboxes.ts';

/** Each flag, when true, relaxes one real-service rule to the official sandbox's looser behaviour. */
export interface RelaxOptions {
  /** Accept a token (mailbox + nonce + nonce count) used before. */
  tokenReuse?: boolean;
  /** Accept a token timestamp more than 2 hours from sandbox time. */
  tokenTime?: boolean;
  /** Accept a missing or differently cased `NHSMESH` scheme and a lower-case mailbox. */
  scheme?: boolean;
  /** Accept a handshake without mex-ClientVersion, mex-OSName and mex-OSVersion. */
  handshakeHeaders?: boolean;
  /** Serve an acknowledged message again (200) instead of 410. */
  downloadAfterAck?: boolean;
  /** Never expire uncollected messages, nor delete messages after 30 days. */
  expiry?: boolean;
  /** Ignore the senders and receivers of configured workflows. */
  workflowPermissions?: boolean;
  /** With mTLS, accept a client certificate issued to another mailbox than the one authenticating. */
  mtls?: boolean;
}

export const RELAX_RULES = [
  'tokenReuse',
  'tokenTime',
  'scheme',
  'handshakeHeaders',
  'downloadAfterAck',
  'expiry',
  'workflowPermissions',
  'mtls',
] as const satisfies readonly (keyof RelaxOptions)[];

export type TlsMode = 'none' | 'tls' | 'mtls';

export interface SandboxOptions {
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Defaults to a fresh temporary directory. */
  dataDir?: string;
  tls?: TlsMode;
  sharedKey?: string;
  /** A JSON file of extra mailboxes and workflows (see docs/sandbox.md). */
  configFile?: string;
  relax?: RelaxOptions;
  expiryDays?: number;
  /** Largest request body accepted, in bytes; larger requests get 413. */
  maxRequestBytes?: number;
  /** The base clock; the admin API adds its offset on top. */
  now?: () => Date;
  /** A request whose body has not fully arrived after this long is answered 408 and closed. */
  requestTimeoutMs?: number;
  /** Keep the request journal (in memory and as journal.jsonl in the data dir). Default true. */
  journal?: boolean;
  /** Journal entries kept in memory, the most recent (default 20,000; Infinity keeps all). journal.jsonl keeps all. */
  journalMemoryEntries?: number;
}

export interface ResolvedOptions {
  host: string;
  port: number;
  dataDir: string;
  tls: TlsMode;
  sharedKey: string;
  configFile: string | undefined;
  relax: Required<RelaxOptions>;
  expiryDays: number;
  maxRequestBytes: number;
  /** The base clock a test supplied; real time when undefined. */
  now: (() => Date) | undefined;
  requestTimeoutMs: number;
  journal: boolean;
  journalMemoryEntries: number;
}

export const ADMIN_PREFIX = '/admin';

/** What a running sandbox tells its caller. */
export interface RunningSandbox {
  baseUrl: string;
  port: number;
  dataDir: string;
  tls?: SandboxTlsMaterial;
  mailboxes: PublicMailbox[];
  sharedKey: string;
  adminUrl: string;
  clock: Pick<SandboxClock, 'now' | 'advance'>;
  journal: { entries(filter?: JournalFilter): JournalEntry[] };
  close(): Promise<void>;
}
