/** `mesh-assure verify <bundle.zip>`: prints OK, or exactly which file was altered, is missing or was added. */
import type { Command } from 'commander';
import { formatVerifyReport, verifyBundle } from '../../evidence/index.ts';
import { output, type GlobalOptions } from '../context.ts';

export function registerVerifyCommand(program: Command): void {
  program
    .command('verify <bundle>')
    .description('check an evidence bundle: the zip against its .sha256, every file against the manifest, the manifest against its schema')
    .option('--json', 'machine-readable output')
    .action(async (bundle: string, options: GlobalOptions) => {
      const report = await verifyBundle(bundle);
      output(options, { ok: report.ok, zipChecksumChecked: report.zipChecksumChecked, problems: report.problems }, () => formatVerifyReport(report));
      if (!report.ok) process.exitCode = 1;
    });
}
