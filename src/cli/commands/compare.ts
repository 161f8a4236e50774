/** `mesh-assure compare <old.zip> <new.zip>`: the change per case, printed and written into the new bundle. */
import type { Command } from 'commander';
import { loadSettings } from '../../config/index.ts';
import { compareBundles, configuredSecrets, formatChanges } from '../../evidence/index.ts';
import { output, type GlobalOptions } from '../context.ts';

export function registerCompareCommand(program: Command): void {
  program
    .command('compare <baseline> <bundle>')
    .description('show the change per case since a baseline bundle (an RFC rerun) and write it into the newer bundle')
    .option('--json', 'machine-readable output')
    .action(async (baseline: string, bundle: string, options: GlobalOptions) => {
      // The bundle is scanned again when resealed: with the configured secrets when there are any here.
      const secrets = (() => {
        try {
          return configuredSecrets(loadSettings());
        } catch {
          return [];
        }
      })();
      const sealed = await compareBundles(baseline, bundle, secrets);
      const comparison = sealed.manifest.comparison!;
      output(options, { bundle: sealed.zipPath, sha256: sealed.sha256, comparison }, () => [
        `changes since ${comparison.baseline.bundle}:`,
        ...formatChanges(comparison.changes),
        `written into ${sealed.zipPath} (sealed again; new SHA-256 ${sealed.sha256})`,
      ]);
    });
}
