/**
 * `mesh-assure compare <a.zip> <b.zip>`: the change per case from the older bundle (by run time) to the
 * newer, printed, and with `--out FILE` written to that new file. Neither bundle is written to.
 */
import type { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import { compareBundles, formatChanges } from '../../evidence/index.ts';
import { output, type GlobalOptions } from '../context.ts';

interface CompareOptions extends GlobalOptions {
  out?: string;
}

async function writeNewFile(path: string, value: unknown): Promise<void> {
  try {
    await writeFile(path, `${JSON.stringify(value, null, 2)}\n`, { flag: 'wx' });
  } catch (error) {
    if ((error as { code?: string }).code === 'EEXIST')
      throw new Error(`--out ${path}: that file exists; name a new file (compare never overwrites)`);
    throw error;
  }
}

export function registerCompareCommand(program: Command): void {
  program
    .command('compare <bundle> <other>')
    .description('show the change per case from the older bundle (by run time) to the newer; neither bundle is changed')
    .option('--out <file>', 'also write the comparison as JSON to this new file')
    .option('--json', 'machine-readable output')
    .action(async (first: string, second: string, options: CompareOptions) => {
      const { older, newer, comparison } = await compareBundles(first, second);
      const result = { older: older.zip, newer: newer.zip, comparison };
      if (options.out) await writeNewFile(options.out, result);
      output(options, result, () => [
        `older ${older.zip} (run ${older.manifest.startedAt} to ${older.manifest.finishedAt})`,
        `newer ${newer.zip} (run ${newer.manifest.startedAt} to ${newer.manifest.finishedAt})`,
        `changes since the older:`,
        ...formatChanges(comparison.changes),
        ...(options.out ? [`written to ${options.out}`] : []),
      ]);
    });
}
