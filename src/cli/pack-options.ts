/**
 * What `run` and `observe` share: the product command options (each mapped to its MESH_PRODUCT_*_CMD
 * variable, which the pack's child process reads) and the printed outcome of a packed run.
 */
import type { Command } from 'commander';
import { formatCaseTable, formatChanges } from '../evidence/index.ts';
import { PRODUCT_COMMANDS, type ProductCommand } from '../pack/product-config.ts';
import type { RunOutcome } from '../pack/run-and-pack.ts';
import { output, type GlobalOptions } from './context.ts';

export interface ProductCommandOptions {
  productSendCmd?: string;
  productSendGzipCmd?: string;
  productReceiveCmd?: string;
  productDownloadCmd?: string;
}

const OPTION_OF: Record<ProductCommand, keyof ProductCommandOptions> = {
  send: 'productSendCmd',
  sendGzip: 'productSendGzipCmd',
  receive: 'productReceiveCmd',
  download: 'productDownloadCmd',
};

/** The placeholders of each command, for a command's help. */
export const PRODUCT_COMMANDS_HELP = Object.values(PRODUCT_COMMANDS)
  .map((c) => `  ${c.option.padEnd(24)} ${c.does}`)
  .join('\n');

export function addProductCommandOptions(command: Command): Command {
  for (const { option, does, variable } of Object.values(PRODUCT_COMMANDS))
    command.option(`${option} <cmd>`, `product mode: ${does} (default ${variable})`);
  return command;
}

/** Sets the variable of each product command given as an option; true when any was given. */
export function applyProductOptions(options: ProductCommandOptions): boolean {
  let any = false;
  for (const [command, key] of Object.entries(OPTION_OF) as [ProductCommand, keyof ProductCommandOptions][]) {
    const value = options[key];
    if (typeof value !== 'string') continue;
    process.env[PRODUCT_COMMANDS[command].variable] = value;
    any = true;
  }
  return any;
}

/** The case table and the bundle's path (or JSON with --json); a failed case or pack makes the exit code 1. */
export function printPackOutcome(options: GlobalOptions, outcome: RunOutcome): void {
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
        ? ['', `changes since ${manifest.comparison.baseline.bundle}:`, ...formatChanges(manifest.comparison.changes)]
        : []),
      '',
      ...(manifest.rehearsal ? ['rehearsal against a MESH sandbox: not assurance evidence'] : []),
      `bundle ${outcome.zipPath}`,
    ],
  );
  if (manifest.summary.failed > 0 || outcome.packExitCode !== 0) process.exitCode = 1;
}

/** `--cases a,b` as ids. */
export const splitCases = (cases: string | undefined): string[] | undefined =>
  cases
    ?.split(',')
    .map((id) => id.trim())
    .filter(Boolean);
