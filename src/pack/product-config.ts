/**
 * Which system the witness pack tests: `reference` (our client plays the sut mailbox: rehearsal, credential
 * checks, products built on our client) or `product` (the supplier's software, driven by its commands, or
 * by an operator at the terminal where it has none, while our client plays only the counterpart and
 * dormant mailboxes). Product mode is chosen by configuring at least one product command, or by `run
 * --operator` (MESH_PRODUCT_OPERATOR=1) or `observe` opening an operator's terminal.
 */
import { OPERATOR_SOCKET_VARIABLE } from './operator.ts';

export type ProductCommand = 'send' | 'sendGzip' | 'receive' | 'download';

export interface ProductMode {
  kind: 'product';
  name: string | undefined;
  version: string | undefined;
  commands: Partial<Record<ProductCommand, string>>;
  /** Operator-prompt mode: the socket of the terminal that asks a person to do each step; no commands then. */
  operator: string | undefined;
  /** A command still running after this long is stopped (its process group killed). */
  commandTimeoutMs: number;
  /** The pack runs the receive command again no sooner than this, and judges the product's polls by it. */
  pollIntervalMs: number;
  ackWithinMs: number;
  handshakeWindowMs: number;
}

export type SutMode = { kind: 'reference' } | ProductMode;

/** Each command's variable, its `run` option, and what it must do. */
export const PRODUCT_COMMANDS: Record<ProductCommand, { variable: string; option: string; does: string }> = {
  send: {
    variable: 'MESH_PRODUCT_SEND_CMD',
    option: '--product-send-cmd',
    does: 'sends {file} to {to} on {workflow} (also {subject}, {local_id}); may print the message id',
  },
  sendGzip: {
    variable: 'MESH_PRODUCT_SEND_GZIP_CMD',
    option: '--product-send-gzip-cmd',
    does: 'as the send command, gzip-encoded and flagged mex-content-compressed',
  },
  receive: {
    variable: 'MESH_PRODUCT_RECEIVE_CMD',
    option: '--product-receive-cmd',
    does: 'one receive cycle: downloads and acknowledges what is waiting, writes every payload into {dir}',
  },
  download: {
    variable: 'MESH_PRODUCT_DOWNLOAD_CMD',
    option: '--product-download-cmd',
    does: 'downloads message {id} into {dir}',
  },
};

/** The variables of product mode beyond the commands, with their one-line meaning. */
export const PRODUCT_VARIABLES = {
  MESH_PRODUCT_COMMAND_TIMEOUT_S: 'seconds a product command may run before its process group is stopped (default 600)',
  MESH_PRODUCT_POLL_INTERVAL_S:
    "seconds between the pack's runs of the receive command, and the shortest poll interval allowed (default 300)",
  MESH_PRODUCT_ACK_WITHIN_S: 'longest allowed time from a download to its acknowledgement (default 60)',
} as const;

function seconds(
  vars: Record<string, string | undefined>,
  name: keyof typeof PRODUCT_VARIABLES,
  fallback: number,
): number {
  const raw = vars[name];
  if (raw === undefined) return fallback * 1000;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`${name} must be a number of seconds above 0, not "${raw}": ${PRODUCT_VARIABLES[name]}`);
  return value * 1000;
}

/** The setting that asks for operator-prompt mode, as `--operator` does, with its one-line meaning. */
export const OPERATOR_SETTING = {
  name: 'MESH_PRODUCT_OPERATOR',
  does: '1: product mode with an operator at this terminal doing each step in the product (as run --operator); no product commands then',
} as const;

/** Whether MESH_PRODUCT_OPERATOR asks for operator mode; a value other than 1 or 0 is an error saying so. */
export function operatorSettingOn(vars: Record<string, string | undefined>): boolean {
  const value = vars[OPERATOR_SETTING.name];
  if (value !== undefined && value !== '1' && value !== '0')
    throw new Error(`${OPERATOR_SETTING.name} must be 1 or 0, not "${value}": ${OPERATOR_SETTING.does}`);
  return value === '1';
}

/** Product mode when any product command is configured, else the reference sut. */
export function sutMode(vars: Record<string, string | undefined>): SutMode {
  const commands: Partial<Record<ProductCommand, string>> = {};
  for (const [command, { variable }] of Object.entries(PRODUCT_COMMANDS) as [ProductCommand, { variable: string }][]) {
    const value = vars[variable]?.trim();
    if (value) commands[command] = value;
  }
  const operator = vars[OPERATOR_SOCKET_VARIABLE]?.trim() || undefined;
  if (operator && Object.keys(commands).length > 0)
    throw new Error(
      `the product has commands (${Object.keys(commands).join(', ')}) and an operator's terminal (${OPERATOR_SOCKET_VARIABLE}): use one, the commands or the operator`,
    );
  if (Object.keys(commands).length === 0 && !operator) return { kind: 'reference' };
  return {
    kind: 'product',
    name: vars.MESH_PRODUCT_NAME,
    version: vars.MESH_PRODUCT_VERSION,
    commands,
    operator,
    commandTimeoutMs: seconds(vars, 'MESH_PRODUCT_COMMAND_TIMEOUT_S', 600),
    pollIntervalMs: seconds(vars, 'MESH_PRODUCT_POLL_INTERVAL_S', 300),
    ackWithinMs: seconds(vars, 'MESH_PRODUCT_ACK_WITHIN_S', 60),
    handshakeWindowMs: 24 * 3_600_000,
  };
}

/** Why a case cannot be shown through the product: the command it needs is not configured. */
export function missingCommand(mode: ProductMode, command: ProductCommand): string | undefined {
  // An operator can do every step in the product by hand.
  if (mode.commands[command] || mode.operator) return undefined;
  const { variable, option, does } = PRODUCT_COMMANDS[command];
  return `the product's ${command === 'sendGzip' ? 'gzip send' : command} command is not configured: set ${variable} (or run ${option}) to a command that ${does}`;
}
