/**
 * `mesh-assure run`: runs the witness pack (progress on stderr), packs the evidence bundle, prints the case
 * table and the bundle's path; exits non-zero when any case failed.
 */
import type { Command } from 'commander';
import { CASES, caseTitle } from '../../../fixtures/cases.ts';
import { REPORT_PATHS } from '../../../fixtures/report-paths.ts';
import { sandboxCertificateCopy, sandboxSigningFiles } from '../../../fixtures/run-state.ts';
import { loadSettings } from '../../config/index.ts';
import { assertWorkflowAssociation } from '../../doctor/index.ts';
import { formatCaseTable, formatChanges, runAndPack } from '../../evidence/index.ts';
import { output, type GlobalOptions } from '../context.ts';

interface RunOptions extends GlobalOptions {
  target?: string;
  cases?: string;
  rfc?: string;
  baseline?: string;
  out: string;
}

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('run the witness pack and pack the evidence bundle (the embedded sandbox unless a target is set)')
    .option('--target <target>', 'sandbox, int, dep or a base URL (default MESH_TARGET, else sandbox)')
    .option('--cases <ids>', 'only these cases, comma-separated, e.g. handshake,201,401')
    .option('--rfc <id>', 'the request for change this run re-tests (default MESH_RFC)')
    .option('--baseline <zip>', 'the last accepted bundle: the change per case goes into this bundle')
    .option('--out <dir>', 'where the bundle goes', `${REPORT_PATHS.root}/evidence`)
    .option('--json', 'machine-readable output')
    .action(async (options: RunOptions) => {
      // The pack runs in a child process that reads the same variables.
      if (options.target) process.env.MESH_TARGET = options.target;
      if (options.rfc) process.env.MESH_RFC = options.rfc;
      const settings = loadSettings();
      await assertWorkflowAssociation(settings);
      const outcome = await runAndPack(
        settings,
        { cases: options.cases?.split(',').map((id) => id.trim()).filter(Boolean), baseline: options.baseline, outDir: options.out },
        { reports: REPORT_PATHS, catalogue: CASES.map((c) => ({ id: c.id, title: caseTitle(c), set: c.set, optional: c.optional })), sandboxCertificate: sandboxCertificateCopy, sandboxSigning: sandboxSigningFiles },
      );
      const { manifest } = outcome;
      output(options, { bundle: outcome.zipPath, sha256: outcome.sha256, summary: manifest.summary, cases: manifest.cases, comparison: manifest.comparison }, () => [
        '',
        ...formatCaseTable(manifest.cases),
        ...(manifest.comparison ? ['', `changes since ${manifest.comparison.baseline.bundle}:`, ...formatChanges(manifest.comparison.changes)] : []),
        '',
        ...(manifest.rehearsal ? ['rehearsal against the embedded sandbox: not assurance evidence'] : []),
        `bundle ${outcome.zipPath}`,
      ]);
      if (manifest.summary.failed > 0 || outcome.packExitCode !== 0) process.exitCode = 1;
    });
}
