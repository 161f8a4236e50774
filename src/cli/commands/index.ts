/** Every subcommand, one module each. */
import type { Command } from 'commander';
import { registerMailboxCommands } from './mailbox.ts';
import { registerTransferCommands } from './transfer.ts';

export function registerCommands(program: Command): void {
  registerMailboxCommands(program);
  registerTransferCommands(program);
}
