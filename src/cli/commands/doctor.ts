/** `mesh-assure doctor`: checks the set-up before a first run, one line per check, each FAIL with its fix. */
import type { Command } from 'commander';
import { anyFailed, formatResults, runDoctor } from '../../doctor/index.ts';
import { cliSettings, output, type GlobalOptions } from '../context.ts';

export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description(
      "check configuration, the product's commands, client certificate, CA chain, connectivity, MESH handshake and clock",
    )
    .option('--json', 'machine-readable output')
    .action(async (options: GlobalOptions) => {
      const checks = await runDoctor(cliSettings);
      const ok = !anyFailed(checks);
      output(options, { ok, checks }, () => formatResults(checks));
      if (!ok) process.exitCode = 1;
    });
}
