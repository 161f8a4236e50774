/**
 * What `run` and `observe` share: the product command options (each mapped to its MESH_PRODUCT_*_CMD
 * variable, which the pack's child process reads), operator-prompt mode's terminal, and the packed run with
 * its printed outcome.
 */
import { fstatSync } from 'node:fs';
import type { Command } from 'commander';
import { formatCaseTable, formatChanges } from '../evidence/index.ts';
import { OPERATOR_SOCKET_VARIABLE } from '../pack/operator.ts';
import {
  OPERATOR_SETTING,
  operatorSettingOn,
  PRODUCT_COMMANDS,
  sutMode,
  type ProductCommand,
} from '../pack/product-config.ts';
import { loadSettings, readVariables } from '../config/index.ts';
import { runAndPack, type RunRequest } from '../pack/run-and-pack.ts';
import { output, type GlobalOptions } from './context.ts';
import { openOperatorTerminal, type OperatorTerminal } from './operator-terminal.ts';
import { closeOnSignal } from './shutdown.ts';

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

/** The product commands configured (options already applied, and MESH_PRODUCT_*_CMD). */
export function configuredCommands(): string[] {
  const mode = sutMode(readVariables());
  return mode.kind === 'product' ? Object.keys(mode.commands) : [];
}

/** True when operator mode is asked for: `--operator`, or MESH_PRODUCT_OPERATOR=1. */
export function operatorAsked(flag: boolean | undefined): boolean {
  // The setting is checked even beside the flag: a bad value is said, not ignored.
  const setting = operatorSettingOn(readVariables());
  return Boolean(flag) || setting;
}

/**
 * Why stdin cannot answer the prompts, or undefined when it can: a terminal, or a pipe or socket from a
 * program that answers them (a test's pseudo-operator). Anything else (/dev/null, a file) would answer
 * every step at once, or never.
 */
function stdinCannotAnswer(): string | undefined {
  if (process.stdin.isTTY) return undefined;
  let stat;
  try {
    stat = fstatSync(0);
  } catch {
    return 'stdin is closed';
  }
  if (stat.isFIFO() || stat.isSocket()) return undefined;
  return stat.isCharacterDevice() ? 'stdin is not a terminal (it is /dev/null or a device)' : 'stdin is a file';
}

/**
 * Opens the operator's terminal and points the pack at it, after checking it can work: no product commands
 * beside it, and a stdin a person (or a program acting as one) answers on. Ctrl-C (or SIGTERM) closes it,
 * removing its socket's folder, and ends the process.
 */
export async function openOperatorMode(command: string, json = false): Promise<OperatorTerminal> {
  const commands = configuredCommands();
  if (commands.length > 0)
    throw new Error(
      `operator mode (--operator or ${OPERATOR_SETTING.name}=1) asks a person to do every step, but product commands are configured (${commands.join(', ')}): leave out the product commands (options and MESH_PRODUCT_*_CMD), or leave out operator mode`,
    );
  const why = stdinCannotAnswer();
  if (why)
    throw new Error(
      `operator mode needs a person at a terminal to answer each step, but ${why}: run "mesh-assure ${command}" from a terminal, or give the product's commands instead (--product-send-cmd, ... or MESH_PRODUCT_*_CMD)`,
    );
  // With --json stdout carries only the result: the prompts go to stderr, beside the pack's progress.
  const terminal = await openOperatorTerminal(process.stdin, json ? process.stderr : process.stdout);
  process.env[OPERATOR_SOCKET_VARIABLE] = terminal.socketPath;
  void closeOnSignal(command, () => terminal.close()).then(() => process.exit(130));
  return terminal;
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
