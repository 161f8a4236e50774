/**
 * `mesh-assure relay`: a recording relay between the supplier's product and INT, DEP or a URL. It prints
 * what the product is configured with, then one machine-readable line, `ready <url>` (or one JSON object
 * with --json), and relays until SIGINT or SIGTERM, printing a line for each request as it completes.
 */
import type { Command } from 'commander';
import { loadSettings } from '../../config/index.ts';
import { relayOptionsFrom, startRelay, type RelayJournalEntry, type RunningRelay } from '../../relay/index.ts';
import { closeOnSignal } from '../shutdown.ts';
import { formatBytes } from '../sizes.ts';

/** One exchange as it passed, for the person watching: never a secret (the journal entry has none). */
export function exchangeLine(entry: RelayJournalEntry): string {
  const what = `${entry.time}  ${entry.method} ${entry.path}  ${entry.status}  ${Math.round(entry.durationMs)} ms`;
  const moved =
    entry.bytesIn || entry.bytesOut ? `  (${formatBytes(entry.bytesIn)} up, ${formatBytes(entry.bytesOut)} down)` : '';
  return `${what}${moved}${entry.fault ? `  fault: ${entry.fault}` : ''}`;
}

interface RelayCliOptions {
  target?: string;
  host: string;
  port: string;
  tls?: boolean;
  plain?: boolean;
  journal?: string;
  dataDir: string;
  json?: boolean;
  quiet?: boolean;
}

export const RELAY_DEFAULT_PORT = 8701;

const NOT_THE_RELAYS = ['MESH_MAILBOX_ID', 'MESH_MAILBOX_PASSWORD', 'MESH_SHARED_KEY', 'MESH_WORKFLOW_ID'] as const;

function describe(relay: RunningRelay, journal: string | undefined): string[] {
  return [
    `MESH relay listening at ${relay.url}, forwarding to ${relay.targetUrl}`,
    ...(relay.caCertPath
      ? [`  CA cert     ${relay.caCertPath} (made by mesh-assure: the product trusts it for the relay only)`]
      : []),
    `  journal     ${journal ?? '(in memory only: give --journal FILE to keep it)'}`,
    'Configure the product with:',
    `  MESH_URL=${relay.url}`,
    ...(relay.caCertPath ? [`  MESH_CA_CERT=${relay.caCertPath}`] : []),
    '  and its own mailbox, password and shared key, as for the target (the relay forwards its Authorization as it is).',
  ];
}

export function registerRelayCommand(program: Command): void {
  program
    .command('relay')
    .description(
      "relay the product's MESH requests to INT, DEP or a URL unchanged, journalling each so the assessor rules can judge them",
    )
    .option('--target <target>', 'int, dep or a base URL (default MESH_TARGET)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 picks a free one)', String(RELAY_DEFAULT_PORT))
    .option('--tls', "the product connects over TLS, trusting the relay's own CA (the default)")
    .option('--plain', 'the product connects over plain HTTP (only where the product allows it)')
    .option(
      '--journal <file>',
      'append every request to this file, one JSON object a line (judge it with "mesh-assure judge")',
    )
    .option('--data-dir <dir>', "where the relay's CA and certificate are kept and reused", '.mesh-relay')
    .option('--json', 'print the ready line, and then each request, as one JSON object a line')
    .option('--quiet', 'print no line per request (the journal still has each)')
    .action(async (options: RelayCliOptions) => {
      if (options.tls && options.plain) throw new Error('choose one of --tls and --plain');
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new Error(`--port must be a whole number from 0 to 65535, not "${options.port}"`);
      if (options.target) process.env.MESH_TARGET = options.target;
      // The sut mailbox's client certificate, key and the CA come from the settings `run` reads, .env included.
      // The product signs its own requests: the relay needs no mailbox, password, shared key or workflow.
      const settings = loadSettings({ unused: NOT_THE_RELAYS });
      const relay = await startRelay(
        relayOptionsFrom(settings, {
          listen: options.plain ? 'plain' : 'tls',
          host: options.host,
          port,
          tlsDir: `${options.dataDir}/tls`,
          ...(options.journal ? { journalFile: options.journal } : {}),
          ...(options.quiet
            ? {}
            : {
                onEntry: (entry: RelayJournalEntry) =>
                  console.log(options.json ? JSON.stringify({ exchange: entry }) : exchangeLine(entry)),
              }),
        }),
      );
      const stopped = closeOnSignal('relay', () => relay.close());
      if (options.json)
        console.log(
          JSON.stringify({
            ready: true,
            url: relay.url,
            caCertPath: relay.caCertPath ?? null,
            targetUrl: relay.targetUrl,
            journal: options.journal ?? null,
          }),
        );
      else {
        for (const line of describe(relay, options.journal)) console.log(line);
        console.log(`ready ${relay.url}`);
      }
      await stopped;
    });
}
