/** Every subcommand, one module each. */
import type { Command } from 'commander';
import { registerCompareCommand } from './compare.ts';
import { registerCsrCommand } from './csr.ts';
import { registerDoctorCommand } from './doctor.ts';
import { registerMailboxCommands } from './mailbox.ts';
import { registerObserveCommand } from './observe.ts';
import { registerRunCommand } from './run.ts';
import { registerSandboxCommand } from './sandbox.ts';
import { registerTransferCommands } from './transfer.ts';
import { registerVerifyCommand } from './verify.ts';

export function registerCommands(program: Command): void {
  registerCompareCommand(program);
  registerCsrCommand(program);
  registerDoctorCommand(program);
  registerMailboxCommands(program);
  registerObserveCommand(program);
  registerRunCommand(program);
  registerSandboxCommand(program);
  registerTransferCommands(program);
  registerVerifyCommand(program);
}
