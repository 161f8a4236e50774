/**
 * `mesh-assure run`: runs the witness pack (progress on stderr), packs the evidence bundle, prints the case
 * table and the bundle's path; exits non-zero when any case failed.
 */
import type { Command } from 'commander';
import { REPORT_PATHS } from '../../pack/report-paths.ts';
import type { GlobalOptions } from '../context.ts';
import {
  addProductCommandOptions,
  applyProductOptions,
  runPackAndPrint,
  type ProductCommandOptions,
} from '../pack-options.ts';

interface RunOptions extends GlobalOptions, ProductCommandOptions {
  target?: string;
  cases?: string;
  rfc?: string;
  baseline?: string;
  out: string;
}

const PRODUCT_HELP = {
  intro: `
Product mode: with any product command configured (these options or MESH_PRODUCT_*_CMD), the supplier's
product plays the sut mailbox and our client only the counterpart and dormant mailboxes. Commands run
through the shell, each in its own process group (stopped at MESH_PRODUCT_COMMAND_TIMEOUT_S), with
MESH_URL, MESH_CA_CERT, MESH_MAILBOX_ID, MESH_MAILBOX_PASSWORD, MESH_SHARED_KEY, MESH_WORKFLOW_ID and the
client certificate in their environment. Placeholders, replaced shell-quoted:`,
  outro: 'A case whose command is not configured is reported not demonstrable.',
};

export function registerRunCommand(program: Command): void {
  const command = program
    .command('run')
    .description('run the witness pack and pack the evidence bundle (the embedded sandbox unless a target is set)')
    .option(
      '--target <target>',
      'sandbox, nhs-sandbox (with MESH_URL), int, dep or a base URL (default MESH_TARGET, else sandbox)',
    )
    .option('--cases <ids>', 'only these cases, comma-separated, e.g. handshake,201,401')
    .option('--rfc <id>', 'the request for change this run re-tests (default MESH_RFC)')
    .option('--baseline <zip>', 'the last accepted bundle: the change per case goes into this bundle')
    .option('--out <dir>', 'where the bundle goes', `${REPORT_PATHS.root}/evidence`);
  addProductCommandOptions(command, PRODUCT_HELP)
    .option('--json', 'machine-readable output')
    .action(async (options: RunOptions) => {
      // The pack runs in a child process that reads the same variables.
      if (options.target) process.env.MESH_TARGET = options.target;
      if (options.rfc) process.env.MESH_RFC = options.rfc;
      applyProductOptions(options);
      await runPackAndPrint(options, { baseline: options.baseline, outDir: options.out });
    });
}
