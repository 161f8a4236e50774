/** Every subcommand, one module each. */
import type { Command } from 'commander';
import { registerCsrCommand } from './csr.ts';
import { registerDoctorCommand } from './doctor.ts';
import { registerMailboxCommands } from './mailbox.ts';
import { registerSandboxCommand } from './sandbox.ts';
import { registerTransferCommands } from './transfer.ts';

export function registerCommands(program: Command): void {
  registerCsrCommand(program);
  registerDoctorCommand(program);
  registerMailboxCommands(program);
  registerSandboxCommand(program);
  registerTransferCommands(program);
}
