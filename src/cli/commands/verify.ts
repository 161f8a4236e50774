/**
 * `mesh-assure verify <bundle.zip>`: prints OK and who signed, or exactly what was altered, is missing or was
 * added. Exit 0 when all holds, 3 when the only fault is a bundle sealed before signing existed, else 1.
 */
import type { Command } from 'commander';
import { formatVerifyReport, onlyUnsigned, verifyBundle } from '../../evidence/index.ts';
import { output, type GlobalOptions } from '../context.ts';

/** Distinct from 1 (altered, missing, bad signature) so that a script can tell an old bundle from a tampered one. */
const UNSIGNED_EXIT_CODE = 3;

interface VerifyCommandOptions extends GlobalOptions {
  ca?: string;
}

export function registerVerifyCommand(program: Command): void {
  program
    .command('verify <bundle>')
    .description(
      "check an evidence bundle: the zip against its .sha256, every file against the manifest, the manifest against its schema and its signature by the sut mailbox's certificate",
    )
    .option(
      '--ca <file>',
      'trust this CA bundle (PEM) for the signer instead of the NHS PTL G2 root shipped in src/pki/ca',
    )
    .option('--json', 'machine-readable output')
    .action(async (bundle: string, options: VerifyCommandOptions) => {
      const report = await verifyBundle(bundle, { caBundle: options.ca });
      output(
        options,
        {
          ok: report.ok,
          zipChecksumChecked: report.zipChecksumChecked,
          signer: report.signer ?? null,
          problems: report.problems,
        },
        () => formatVerifyReport(report),
      );
      if (!report.ok) process.exitCode = onlyUnsigned(report) ? UNSIGNED_EXIT_CODE : 1;
    });
}
