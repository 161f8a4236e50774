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
  openOperatorMode,
  operatorAsked,
  runPackAndPrint,
  type ProductCommandOptions,
} from '../pack-options.ts';

interface RunOptions extends GlobalOptions, ProductCommandOptions {
  target?: string;
  cases?: string;
  rfc?: string;
  baseline?: string;
  out: string;
  operator?: boolean;
}

const PRODUCT_HELP = {
  intro: `
Product mode: with any product command configured (these options or MESH_PRODUCT_*_CMD), the supplier's
product plays the sut mailbox and our client only the counterpart and dormant mailboxes. Commands run
through the shell, each in its own process group (stopped at MESH_PRODUCT_COMMAND_TIMEOUT_S), with
MESH_URL, MESH_CA_CERT, MESH_MAILBOX_ID, MESH_MAILBOX_PASSWORD, MESH_SHARED_KEY, MESH_WORKFLOW_ID and the
client certificate in their environment. Placeholders, replaced shell-quoted:`,
  outro: `A case whose command is not configured is reported not demonstrable. With --operator (or
MESH_PRODUCT_OPERATOR=1) and no product commands, each case instead asks you, at this terminal, to do its
step in the product ("send the file ... to X26ABC2 on workflow ..., then press Enter"), as in a witness
session, and judges what the product did; off the embedded sandbox the product is pointed at the recording
relay, whose MESH_URL and MESH_CA_CERT are shown at the start.`,
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
    .option('--out <dir>', 'where the bundle goes', `${REPORT_PATHS.root}/evidence`)
    .option(
      '--operator',
      'product mode with an operator at this terminal doing each step in the product (default MESH_PRODUCT_OPERATOR=1)',
    );
  addProductCommandOptions(command, PRODUCT_HELP)
    .option('--json', 'machine-readable output')
    .action(async (options: RunOptions) => {
      // The pack runs in a child process that reads the same variables.
      if (options.target) process.env.MESH_TARGET = options.target;
      if (options.rfc) process.env.MESH_RFC = options.rfc;
      applyProductOptions(options);
      // With neither commands nor an operator, the reference client plays the sut (the documented default).
      const terminal = operatorAsked(options.operator) ? await openOperatorMode('run', options.json) : undefined;
      try {
        await runPackAndPrint(options, { baseline: options.baseline, outDir: options.out });
      } finally {
        await terminal?.close();
      }
    });
}
