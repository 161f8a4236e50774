/**
 * Product mode's set-up, before a run: which mode the pack would run in, that each configured command's
 * program is there, and which commands are missing (their cases are reported not demonstrable). It runs
 * nothing of the product: only the shell's `command -v` on each program's name.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { resolve } from 'node:path';
import {
  OPERATOR_SETTING,
  operatorSettingOn,
  PRODUCT_COMMANDS,
  sutMode,
  type ProductCommand,
} from '../pack/product-config.ts';
import { CHECK, fail, pass, skip, warn, type CheckResult } from './result.ts';

/** Shell syntax a command line may start with, whose program only the shell can tell. */
const SHELL_SYNTAX = /^(?:[({!$`]|\[\[|(?:if|while|until|for|case|exec|eval)$)/;

/**
 * The program a shell command line starts: its first word after any `NAME=value` assignments, unquoted;
 * undefined where it starts with shell syntax (a subshell, a loop, a variable) that only running it would tell.
 */
export function programOf(commandLine: string): string | undefined {
  const words = commandLine.match(/(?:[^\s'"]+|'[^']*'|"(?:[^"\\]|\\.)*")+/g) ?? [];
  const first = words.find((word) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(word));
  if (first === undefined || SHELL_SYNTAX.test(first)) return undefined;
  return first.replace(/'([^']*)'|"((?:[^"\\]|\\.)*)"/g, (_all, single?: string, double?: string) =>
    single !== undefined ? single : double!.replace(/\\(.)/g, '$1'),
  );
}

/** Whether the shell finds the program: a path must be an executable file, a name a builtin or on PATH. */
function found(program: string, env: Record<string, string | undefined>): boolean {
  if (program.includes('/')) {
    try {
      accessSync(resolve(program), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  }
  const asked = spawnSync('/bin/sh', ['-c', 'command -v -- "$1"', 'sh', program], { env, stdio: 'ignore' });
  return asked.status === 0;
}

export function checkProductCommands(vars: Record<string, string | undefined>): CheckResult {
  let mode;
  let operator;
  try {
    mode = sutMode(vars);
    operator = operatorSettingOn(vars);
  } catch (error) {
    return fail(CHECK.productCommands, (error as Error).message, 'set the product mode variables as the message says');
  }
  if (operator)
    return mode.kind === 'product'
      ? fail(
          CHECK.productCommands,
          `${OPERATOR_SETTING.name}=1 asks a person to do every step, but product commands are configured too`,
          `unset the MESH_PRODUCT_*_CMD commands or ${OPERATOR_SETTING.name}`,
        )
      : pass(
          CHECK.productCommands,
          `operator mode (${OPERATOR_SETTING.name}=1): a person at the terminal does each step in the product`,
        );
  if (mode.kind === 'reference')
    return skip(
      CHECK.productCommands,
      "none configured: reference mode, mesh-assure's own client plays the sut mailbox (set MESH_PRODUCT_*_CMD to test your product)",
    );
  // Each configured command's variable and program, read once; an undefined program starts with shell syntax.
  const configured = (Object.entries(mode.commands) as [ProductCommand, string][]).map(([command, line]) => ({
    variable: PRODUCT_COMMANDS[command].variable,
    program: programOf(line),
  }));
  const unchecked = configured.filter((c) => c.program === undefined).map((c) => c.variable);
  const checked = configured.filter((c) => c.program !== undefined);
  const notFound = checked.filter((c) => !found(c.program!, vars)).map((c) => `${c.variable} starts "${c.program}"`);
  const uncheckedNote =
    unchecked.length > 0 ? `; not checked, as they start with shell syntax: ${unchecked.join(', ')}` : '';
  if (notFound.length > 0)
    return fail(
      CHECK.productCommands,
      `not found by the shell: ${notFound.join('; ')}`,
      'start each command with a path that exists or a name on PATH: the pack runs it with /bin/sh in this folder',
    );
  const missing = (Object.keys(PRODUCT_COMMANDS) as ProductCommand[])
    .filter((command) => !mode.commands[command])
    .map((command) => PRODUCT_COMMANDS[command].variable);
  const names = configured.map((c) => c.variable).join(', ');
  if (missing.length > 0)
    return warn(
      CHECK.productCommands,
      `product mode with ${names}; not set: ${missing.join(', ')} (the cases that need them are reported not demonstrable)${uncheckedNote}`,
      `set ${missing.join(', ')} to show every case through the product`,
    );
  return pass(
    CHECK.productCommands,
    `product mode with every command; programs found for ${checked.map((c) => c.variable).join(', ') || 'none'}${uncheckedNote}`,
  );
}
