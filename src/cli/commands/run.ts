/**
 * `mesh-assure run`: runs the witness pack (progress on stderr), packs the evidence bundle, prints the case
 * table and the bundle's path; exits non-zero when any case failed.
 */
import type { Command } from 'commander';
import { loadSettings } from '../../config/index.ts';
import { formatCaseTable, formatChanges } from '../../evidence/index.ts';
import { PRODUCT_COMMANDS, type ProductCommand } from '../../pack/product-config.ts';
import { REPORT_PATHS } from '../../pack/report-paths.ts';
import { runAndPack } from '../../pack/run-and-pack.ts';
import { output, type GlobalOptions } from '../context.ts';

interface RunOptions extends GlobalOptions {
  target?: string;
  cases?: string;
  rfc?: string;
  baseline?: string;
  out: string;
  productSendCmd?: string;
  productSendGzipCmd?: string;
  productReceiveCmd?: string;
  productDownloadCmd?: string;
}

const OPTION_OF: Record<ProductCommand, keyof RunOptions> = {
  send: 'productSendCmd',
  sendGzip: 'productSendGzipCmd',
  receive: 'productReceiveCmd',
  download: 'productDownloadCmd',
};

const PRODUCT_HELP = `
Product mode: with any product command configured (these options or MESH_PRODUCT_*_CMD), the supplier's
product plays the sut mailbox and our client only the counterpart and dormant mailboxes. Commands run
through the shell, each in its own process group (stopped at MESH_PRODUCT_COMMAND_TIMEOUT_S), with
MESH_URL, MESH_CA_CERT, MESH_MAILBOX_ID, MESH_MAILBOX_PASSWORD, MESH_SHARED_KEY, MESH_WORKFLOW_ID and the
client certificate in their environment. Placeholders, replaced shell-quoted:
${Object.values(PRODUCT_COMMANDS)
  .map((c) => `  ${c.option.padEnd(24)} ${c.does}`)
  .join('\n')}
A case whose command is not configured is reported not demonstrable.`;

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('run the witness pack and pack the evidence bundle (the embedded sandbox unless a target is set)')
    .option(
      '--target <target>',
      'sandbox, nhs-sandbox (with MESH_URL), int, dep or a base URL (default MESH_TARGET, else sandbox)',
    )
    .option('--cases <ids>', 'only these cases, comma-separated, e.g. handshake,201,401')
    .option('--rfc <id>', 'the request for change this run re-tests (default MESH_RFC)')
    .option('--baseline <zip>', 'the last accepted bundle: the change per case goes into this bundle')
    .option('--out <dir>', 'where the bundle goes', `${REPORT_PATHS.root}/evidence`)
    .option(
      '--product-send-cmd <cmd>',
      `product mode: the command that ${PRODUCT_COMMANDS.send.does} (default ${PRODUCT_COMMANDS.send.variable})`,
    )
    .option(
      '--product-send-gzip-cmd <cmd>',
      `product mode: ${PRODUCT_COMMANDS.sendGzip.does} (default ${PRODUCT_COMMANDS.sendGzip.variable})`,
    )
    .option(
      '--product-receive-cmd <cmd>',
      `product mode: ${PRODUCT_COMMANDS.receive.does} (default ${PRODUCT_COMMANDS.receive.variable})`,
    )
    .option(
      '--product-download-cmd <cmd>',
      `product mode: the command that ${PRODUCT_COMMANDS.download.does} (default ${PRODUCT_COMMANDS.download.variable})`,
    )
    .option('--json', 'machine-readable output')
    .addHelpText('after', PRODUCT_HELP)
    .action(async (options: RunOptions) => {
      // The pack runs in a child process that reads the same variables.
      if (options.target) process.env.MESH_TARGET = options.target;
      if (options.rfc) process.env.MESH_RFC = options.rfc;
      for (const [command, key] of Object.entries(OPTION_OF) as [ProductCommand, keyof RunOptions][]) {
        const value = options[key];
        if (typeof value === 'string') process.env[PRODUCT_COMMANDS[command].variable] = value;
      }
      const settings = loadSettings();
      const outcome = await runAndPack(settings, {
        cases: options.cases
          ?.split(',')
          .map((id) => id.trim())
          .filter(Boolean),
        baseline: options.baseline,
        outDir: options.out,
      });
      const { manifest } = outcome;
      output(
        options,
        {
          bundle: outcome.zipPath,
          sha256: outcome.sha256,
          summary: manifest.summary,
          cases: manifest.cases,
          comparison: manifest.comparison,
        },
        () => [
          '',
          ...formatCaseTable(manifest.cases),
          ...(manifest.comparison
            ? [
                '',
                `changes since ${manifest.comparison.baseline.bundle}:`,
                ...formatChanges(manifest.comparison.changes),
              ]
            : []),
          '',
          ...(manifest.rehearsal ? ['rehearsal against a MESH sandbox: not assurance evidence'] : []),
          `bundle ${outcome.zipPath}`,
        ],
      );
      if (manifest.summary.failed > 0 || outcome.packExitCode !== 0) process.exitCode = 1;
    });
}
