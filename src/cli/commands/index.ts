/** Every subcommand, one module each. */
import type { Command } from 'commander';
import { registerCsrCommand } from './csr.ts';
import { registerMailboxCommands } from './mailbox.ts';
import { registerTransferCommands } from './transfer.ts';

export function registerCommands(program: Command): void {
  registerCsrCommand(program);
  registerMailboxCommands(program);
  registerTransferCommands(program);
}
