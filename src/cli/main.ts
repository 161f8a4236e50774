/** `mesh-assure`: parses the command line and hands each subcommand to its own module. */
import { Command } from 'commander';
import { toolVersion } from '../config/tool-version.ts';
import { registerCommands } from './commands/index.ts';

const program = new Command('mesh-assure')
  .description('Assurance test harness for the NHS England MESH API')
  .version(toolVersion(), '-V, --version')
  .showHelpAfterError('(run "mesh-assure help" for the commands)');

await registerCommands(program, process.argv.slice(2));

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = process.exitCode || 1;
  // A client error's stable code goes last, for scripts that tell failures apart (docs: MESH_ERROR_CODES).
  const code = (error as { code?: unknown }).code;
  const tag = typeof code === 'string' && code.startsWith('MESH_ERR_') ? ` [${code}]` : '';
  console.error(`mesh-assure: ${error instanceof Error ? error.message : String(error)}${tag}`);
}
