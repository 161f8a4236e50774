/**
 * `mesh-assure sandbox`: runs the embedded MESH sandbox in the foreground until SIGINT or SIGTERM. When it
 * is listening it prints its details and then one machine-readable line, `ready <base URL>` (or, with
 * --json, a single JSON object), which scripts and tests wait for.
 */
import type { Command } from 'commander';
import {
  RELAX_RULES,
  SANDBOX_DEFAULT_PORT,
  startSandbox,
  type RelaxOptions,
  type RunningSandbox,
} from '../../sandbox/index.ts';
import { closeOnSignal } from '../shutdown.ts';

interface SandboxCliOptions {
  host: string;
  port: string;
  dataDir: string;
  tls?: boolean;
  mtls?: boolean;
  sharedKey?: string;
  config?: string;
  expiryDays?: string;
  maxRequestMb?: string;
  requestTimeoutMs?: string;
  json?: boolean;
  [relax: string]: unknown;
}

/** `tokenReuse` -> `relax-token-reuse` (commander reads it back as `relaxTokenReuse`). */
const flagOf = (rule: string): string => `relax-${rule.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
const keyOf = (rule: string): string => `relax${rule.charAt(0).toUpperCase()}${rule.slice(1)}`;

const RELAX_HELP: Record<keyof RelaxOptions, string> = {
  tokenReuse: 'accept a reused auth token',
  tokenTime: 'accept a token timestamp more than 2 hours off',
  scheme: 'accept a missing NHSMESH scheme and lower-case mailbox ids',
  handshakeHeaders: 'accept a handshake without mex-ClientVersion/OSName/OSVersion',
  downloadAfterAck: 'serve acknowledged messages again (200, like the official sandbox) instead of 410',
  expiry: 'never expire uncollected messages nor delete messages after 30 days',
  workflowPermissions: 'ignore workflow senders/receivers',
  mtls: 'with --mtls, accept a client certificate of another mailbox',
};

function number(name: string, value: string | undefined, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n)))
    throw new Error(`--${name} must be a ${integer ? 'whole ' : ''}number >= 0, not "${value}"`);
  return n;
}

function describe(sandbox: RunningSandbox): string {
  const lines = [
    `MESH sandbox listening at ${sandbox.baseUrl}`,
    `  data dir    ${sandbox.dataDir}`,
    `  shared key  ${sandbox.sharedKey}`,
    `  admin API   ${sandbox.adminUrl}`,
    '  mailboxes   ' +
      sandbox.mailboxes.map((m) => `${m.mailboxId} (ODS ${m.odsCode}, password ${m.password})`).join(', '),
  ];
  if (sandbox.tls) {
    lines.push(`  CA cert     ${sandbox.tls.caCertPath}`);
    for (const [mailbox, files] of Object.entries(sandbox.tls.clients))
      lines.push(`  ${mailbox.padEnd(10)}  cert ${files.certPath}  key ${files.keyPath}`);
  }
  return lines.join('\n');
}

export function registerSandboxCommand(program: Command): void {
  const command = program
    .command('sandbox')
    .description('run the embedded MESH sandbox (a faithful MESH API v2 server) until interrupted')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 picks a free one)', String(SANDBOX_DEFAULT_PORT))
    .option('--data-dir <dir>', 'where messages, the journal and TLS files are kept', '.mesh-sandbox')
    .option('--tls', 'serve HTTPS with a throwaway CA')
    .option('--mtls', 'serve HTTPS and require a client certificate from the throwaway CA')
    .option('--shared-key <key>', 'the shared key of the NHSMESH auth header (default TestKey)')
    .option('--config <file>', 'JSON file of extra mailboxes and workflows')
    .option('--expiry-days <n>', 'days before an unacknowledged message expires', '5')
    .option('--max-request-mb <n>', 'largest request body in MB (10^6 bytes)', '100')
    .option('--request-timeout-ms <ms>', 'answer 408 to a request whose body has not arrived in this time', '300000')
    .option('--json', 'print the ready line as one JSON object');
  for (const rule of RELAX_RULES) command.option(`--${flagOf(rule)}`, RELAX_HELP[rule]);
  command.action(async (options: SandboxCliOptions) => {
    if (options.tls && options.mtls) throw new Error('choose one of --tls and --mtls');
    const relax = Object.fromEntries(RELAX_RULES.map((rule) => [rule, options[keyOf(rule)] === true])) as RelaxOptions;
    const maxMb = number('max-request-mb', options.maxRequestMb, false);
    const sandbox = await startSandbox({
      host: options.host,
      port: number('port', options.port, true)!,
      dataDir: options.dataDir,
      tls: options.mtls ? 'mtls' : options.tls ? 'tls' : 'none',
      ...(options.sharedKey ? { sharedKey: options.sharedKey } : {}),
      ...(options.config ? { configFile: options.config } : {}),
      expiryDays: number('expiry-days', options.expiryDays, false)!,
      maxRequestBytes: Math.round(maxMb! * 1_000_000),
      requestTimeoutMs: number('request-timeout-ms', options.requestTimeoutMs, true)!,
      relax,
    });
    const stopped = closeOnSignal('sandbox', () => sandbox.close());
    if (options.json) {
      const { close: _close, clock: _clock, journal: _journal, ...ready } = sandbox;
      console.log(JSON.stringify({ ready: true, ...ready }));
    } else {
      console.log(describe(sandbox));
      console.log(`ready ${sandbox.baseUrl}`);
    }
    await stopped;
  });
}
