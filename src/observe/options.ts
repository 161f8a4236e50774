/** What `mesh-assure observe` is asked to do, with the defaults of a witness rehearsal. */
import type { TlsMode } from '../sandbox/index.ts';
import type { ProductIdentity } from './bundle.ts';

export interface ObserveOptions {
  tls: TlsMode;
  /** 0 picks a free port. */
  port: number;
  /** Where the evidence bundle goes. */
  outDir: string;
  /** Leave the session's working folder (the sandbox's data, the file the product sends) in place. */
  keepSandboxDir: boolean;
  /** The product's name and version and the RFC, for the bundle's manifest. */
  identity: ProductIdentity;
  /** Runs the product's send; placeholders {to} {workflow} {file} {mailbox} {url}. */
  productSendCmd?: string;
  /** Runs one receive cycle of the product; placeholders {mailbox} {url}. */
  productReceiveCmd?: string;
  /** How long the product has to do everything, from when the counterpart has filled its inbox. */
  forMs: number;
  /** The most receive cycles to run (unattended), ending the session sooner than --for when reached. */
  receiveCycles?: number;
  ackWithinMs: number;
  pollIntervalMs: number;
  handshakeWindowMs: number;
  /** How many messages to deliver for paging (more than 500). */
  pagingMessages: number;
  /** Prompts for the operator (a terminal and no command options). */
  interactive: boolean;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `500ms`, `90s`, `5m`, `2h`, or a plain number of seconds. */
export function parseDuration(name: string, value: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!m) throw new Error(`--${name} must be a duration such as 500ms, 90s, 5m or 2h, not "${value}"`);
  return Math.round(Number(m[1]) * UNITS[m[2] ?? 's']!);
}
