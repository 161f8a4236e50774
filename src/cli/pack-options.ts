/**
 * What `run` and `observe` share: the product command options (each mapped to its MESH_PRODUCT_*_CMD
 * variable, which the pack's child process reads) and the packed run with its printed outcome.
 */
import type { Command } from 'commander';
import { formatCaseTable, formatChanges } from '../evidence/index.ts';
import { PRODUCT_COMMANDS, type ProductCommand } from '../pack/product-config.ts';
import { loadSettings } from '../config/index.ts';
import { runAndPack, type RunRequest } from '../pack/run-and-pack.ts';
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

/** The product command options, and the help after them: `intro`, each command's placeholders, `outro`. */
export function addProductCommandOptions(command: Command, help: { intro: string; outro: string }): Command {
  for (const { option, does, variable } of Object.values(PRODUCT_COMMANDS))
    command.option(`${option} <cmd>`, `product mode: ${does} (default ${variable})`);
  const placeholders = Object.values(PRODUCT_COMMANDS).map((c) => `  ${c.option.padEnd(24)} ${c.does}`);
  return command.addHelpText('after', [help.intro, ...placeholders, help.outro].join('\n'));
}

/** Sets the variable of each product command given as an option. */
export function applyProductOptions(options: ProductCommandOptions): void {
  for (const [command, key] of Object.entries(OPTION_OF) as [ProductCommand, keyof ProductCommandOptions][]) {
    const value = options[key];
    if (typeof value === 'string') process.env[PRODUCT_COMMANDS[command].variable] = value;
  }
}

/**
 * Runs the pack with the settings the variables now give and packs the bundle; prints the case table and the
 * bundle's path (or JSON with --json); a failed case or pack makes the exit code 1.
 */
export async function runPackAndPrint(
  options: GlobalOptions & { cases?: string },
  request: Omit<RunRequest, 'cases'>,
): Promise<void> {
  const outcome = await runAndPack(loadSettings(), { ...request, cases: splitCases(options.cases) });
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
const splitCases = (cases: string | undefined): string[] | undefined =>
  cases
    ?.split(',')
    .map((id) => id.trim())
    .filter(Boolean);
