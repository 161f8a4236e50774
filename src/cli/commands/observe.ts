/**
 * `mesh-assure observe`: the witness pack in product mode on the embedded sandbox (a rehearsal of the
 * supplier's product), packed like `run`. The product is driven by its commands, or, with none, by an
 * operator at this terminal who is asked to do each step in the product.
 */
import { Option, type Command } from 'commander';
import { PRODUCT_VARIABLES } from '../../pack/product-config.ts';
import { REPORT_PATHS } from '../../pack/report-paths.ts';
import { parseDuration } from '../duration.ts';
import {
  addProductCommandOptions,
  applyProductOptions,
  configuredCommands,
  openOperatorMode,
  operatorAsked,
  runPackAndPrint,
  type ProductCommandOptions,
} from '../pack-options.ts';

interface ObserveCliOptions extends ProductCommandOptions {
  cases?: string;
  out: string;
  operator?: boolean;
  pollInterval?: string;
  ackWithin?: string;
  [removed: string]: unknown;
}

/** Options of the session observe used to run, each with why it no longer means anything and what to do instead. */
const REMOVED: Record<string, [flag: string, why: string]> = {
  tls: [
    '--tls',
    "the pack's sandbox always serves mutual TLS: the product gets MESH_CA_CERT, MESH_CLIENT_CERT and MESH_CLIENT_KEY",
  ],
  mtls: [
    '--mtls',
    "the pack's sandbox always serves mutual TLS: the product gets MESH_CA_CERT, MESH_CLIENT_CERT and MESH_CLIENT_KEY",
  ],
  port: ['--port', "the pack's sandbox takes a free port: the product gets its URL in MESH_URL"],
  keepSandboxDir: [
    '--keep-sandbox-dir',
    `the run's reports stay under ${REPORT_PATHS.root} (MESH_ASSURE_REPORTS) and go into the bundle`,
  ],
  for: ['--for', 'each case gives the product MESH_DELIVERY_TIMEOUT_S for a delivery: set that instead'],
  receiveCycles: [
    '--receive-cycles',
    'each case runs the receive command until what it sent has arrived, within MESH_DELIVERY_TIMEOUT_S',
  ],
  handshakeWindow: ['--handshake-window', 'the pack judges handshakes against the MESH limit of one a day'],
  pagingMessages: ['--paging-messages', 'case 601 fills the inbox past a page of 500 itself'],
};

const HELP = {
  intro: `
Observe is "mesh-assure run --target sandbox" in product mode: the same cases, rules and bundle. The
product is given MESH_URL, MESH_CA_CERT, MESH_MAILBOX_ID, MESH_MAILBOX_PASSWORD, MESH_SHARED_KEY,
MESH_WORKFLOW_ID and its client certificate. Product commands (or MESH_PRODUCT_*_CMD), placeholders
replaced shell-quoted:`,
  outro: `With no product command, on a terminal (or with --operator), each case asks you to do its step in the
product ("send the file ... to X26ABC2 on workflow ..., then press Enter") and judges what it did.`,
};

/** A duration option, set as the variable in seconds that the pack reads. */
function seconds(name: string, value: string | undefined, variable: keyof typeof PRODUCT_VARIABLES): void {
  if (value !== undefined) process.env[variable] = String(parseDuration(name, value) / 1000);
}

export function registerObserveCommand(program: Command): void {
  const command = program
    .command('observe')
    .description("rehearse your own product's MESH behaviour: the witness pack in product mode on the embedded sandbox")
    .option('--cases <ids>', 'only these cases, comma-separated, e.g. handshake,201,401')
    .option('--out <dir>', 'where the evidence bundle goes', `${REPORT_PATHS.root}/evidence`)
    .option(
      '--operator',
      'ask an operator at this terminal to do each step in the product (the default on a terminal without product commands)',
    )
    .option(
      '--poll-interval <duration>',
      'shortest allowed time between inbox polls, and between receive cycles (default MESH_PRODUCT_POLL_INTERVAL_S, else 5m)',
    )
    .option(
      '--ack-within <duration>',
      'longest allowed time from a download to its acknowledgement (default MESH_PRODUCT_ACK_WITHIN_S, else 60s)',
    );
  for (const [key, [flag]] of Object.entries(REMOVED))
    command.addOption(
      new Option(['tls', 'mtls', 'keepSandboxDir'].includes(key) ? flag : `${flag} <value>`).hideHelp(),
    );
  addProductCommandOptions(command, HELP).action(async (options: ObserveCliOptions) => {
    const removed = Object.entries(REMOVED).filter(([key]) => options[key] !== undefined);
    if (removed.length > 0)
      throw new Error(removed.map(([, [flag, why]]) => `observe no longer takes ${flag}: ${why}`).join('\n'));
    // The pack runs in a child process that reads these variables; observe is always the sandbox rehearsal.
    process.env.MESH_TARGET = 'sandbox';
    seconds('poll-interval', options.pollInterval, 'MESH_PRODUCT_POLL_INTERVAL_S');
    seconds('ack-within', options.ackWithin, 'MESH_PRODUCT_ACK_WITHIN_S');
    applyProductOptions(options);
    const operator = operatorAsked(options.operator);
    const byCommands = !operator && configuredCommands().length > 0;
    if (!byCommands && !operator && !process.stdin.isTTY)
      throw new Error(
        'observe needs the product: give its commands (--product-send-cmd, --product-receive-cmd, ... or MESH_PRODUCT_*_CMD), or run it on a terminal (or with --operator) to do each step in the product yourself',
      );
    const terminal = byCommands ? undefined : await openOperatorMode('observe');
    try {
      await runPackAndPrint(options, { outDir: options.out });
    } finally {
      await terminal?.close();
    }
  });
}
