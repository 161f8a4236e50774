/**
 * `mesh-assure observe`: checks the supplier's own product against the sandbox journal, the way assessors
 * read the MESH server's logs. Interactive on a terminal; unattended with the product command options.
 */
import type { Command } from 'commander';
import { REPORT_PATHS } from '../../pack/report-paths.ts';
import { readVariables } from '../../config/index.ts';
import { observe, parseDuration } from '../../observe/index.ts';

interface ObserveCliOptions {
  tls?: boolean;
  mtls?: boolean;
  port: string;
  out: string;
  keepSandboxDir?: boolean;
  productSendCmd?: string;
  productReceiveCmd?: string;
  for: string;
  ackWithin: string;
  pollInterval: string;
  handshakeWindow: string;
  pagingMessages: string;
  receiveCycles?: string;
}

const PLACEHOLDER_HELP = `
Product commands run through the shell with the sandbox settings in the environment (MESH_URL,
MESH_MAILBOX_ID, MESH_MAILBOX_PASSWORD, MESH_SHARED_KEY, MESH_WORKFLOW_ID, and MESH_CA_CERT,
MESH_CLIENT_CERT, MESH_CLIENT_KEY with TLS). Placeholders, replaced shell-quoted:
  --product-send-cmd     {to} recipient mailbox, {workflow} workflow id, {file} file to send,
                         {mailbox} the product's mailbox, {url} the sandbox URL
  --product-receive-cmd  {mailbox}, {url}; run once per receive cycle, a poll interval apart
Without them, on a terminal, observe tells you what to do in the product and ticks each step.`;

export function registerObserveCommand(program: Command): void {
  program
    .command('observe')
    .description("judge your own product's MESH behaviour from the sandbox journal (a witness rehearsal)")
    .option('--tls', 'serve HTTPS with a throwaway CA')
    .option('--mtls', 'serve HTTPS and require a client certificate from the throwaway CA')
    .option('--port <port>', 'sandbox port (0 picks a free one)', '8700')
    .option('--out <dir>', 'where the evidence bundle goes', `${REPORT_PATHS.root}/evidence`)
    .option(
      '--keep-sandbox-dir',
      "keep the session's working folder (the sandbox's data and journal) and print where it is",
    )
    .option('--product-send-cmd <cmd>', 'command that makes the product send {file} to {to} on {workflow}')
    .option('--product-receive-cmd <cmd>', 'command that runs one receive cycle of the product')
    .option('--for <duration>', 'how long the product has for the whole session, once its inbox is filled', '30m')
    // The MESH specification's limits: poll at most every 5 minutes, validate the mailbox once a day.
    .option('--ack-within <duration>', 'longest allowed time from a download to its acknowledgement', '60s')
    .option('--poll-interval <duration>', 'shortest allowed time between inbox polls', '5m')
    .option('--handshake-window <duration>', 'a mailbox is validated at most once in this time', '24h')
    .option('--paging-messages <n>', 'messages delivered for paging (over 500)', '510')
    .option('--receive-cycles <n>', 'end the session after this many runs of --product-receive-cmd, sooner than --for')
    .addHelpText('after', PLACEHOLDER_HELP)
    .action(async (options: ObserveCliOptions) => {
      if (options.tls && options.mtls) throw new Error('choose one of --tls and --mtls');
      const port = Number(options.port);
      const paging = Number(options.pagingMessages);
      if (!Number.isInteger(port) || port < 0)
        throw new Error(`--port must be a whole number >= 0, not "${options.port}"`);
      if (!Number.isInteger(paging) || paging <= 500)
        throw new Error(`--paging-messages must be a whole number over 500, not "${options.pagingMessages}"`);
      const cycles = options.receiveCycles === undefined ? undefined : Number(options.receiveCycles);
      if (cycles !== undefined && (!Number.isInteger(cycles) || cycles < 1))
        throw new Error(`--receive-cycles must be a whole number of 1 or more, not "${options.receiveCycles}"`);
      const unattended = Boolean(options.productSendCmd || options.productReceiveCmd);
      // The product's identity comes from the variables `run` reads, .env included.
      const vars = readVariables();
      const { result } = await observe(
        {
          tls: options.mtls ? 'mtls' : options.tls ? 'tls' : 'none',
          port,
          outDir: options.out,
          keepSandboxDir: Boolean(options.keepSandboxDir),
          identity: {
            name: vars.MESH_PRODUCT_NAME ?? null,
            version: vars.MESH_PRODUCT_VERSION ?? null,
            rfc: vars.MESH_RFC ?? null,
          },
          ...(options.productSendCmd ? { productSendCmd: options.productSendCmd } : {}),
          ...(options.productReceiveCmd ? { productReceiveCmd: options.productReceiveCmd } : {}),
          forMs: parseDuration('for', options.for),
          ...(cycles !== undefined ? { receiveCycles: cycles } : {}),
          ackWithinMs: parseDuration('ack-within', options.ackWithin),
          pollIntervalMs: parseDuration('poll-interval', options.pollInterval),
          handshakeWindowMs: parseDuration('handshake-window', options.handshakeWindow),
          pagingMessages: paging,
          interactive: Boolean(process.stdout.isTTY) && !unattended,
        },
        process.stdout,
      );
      if (!result.passed) process.exitCode = 1;
    });
}
