/**
 * Runs the witness pack as a child Playwright process (`playwright test --project witness`, selected cases
 * by their tags) with fresh outputs: allure-results is never cleaned by its reporter, so old results would
 * leak into this run's report. Playwright and the pack's config are found inside this package, so the run
 * works from any working directory (a supplier's own repository); reports go under that directory.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { readJsonReport, type JsonReport } from './results.ts';
import { reportPathsUnder, type ReportPaths } from './report-paths.ts';
import { readRunInfo, runStateVariable } from './run-state.ts';

const PLAYWRIGHT_CLI = createRequire(import.meta.url).resolve('@playwright/test/cli');
/** Playwright compiles TypeScript except under node_modules, where an installed mesh-assure lives: tsx's loader does it there. */
const TSX_LOADER = import.meta.resolve('tsx');
const PACK_CONFIG = fileURLToPath(new URL('../../playwright.config.ts', import.meta.url));

export interface PackRunInfo {
  runId: string;
  startedAt: string;
  finishedAt: string;
  exitCode: number;
  /** The base URL of the sandbox the run started, when the target was the sandbox. */
  sandboxUrl: string | undefined;
  wallMs: number;
  /** Playwright's JSON report of the run. */
  report: JsonReport;
  /** What Playwright printed, when captured. */
  output: string;
}

export interface PackRunOptions {
  /** Where reports and run state go (MESH_ASSURE_REPORTS for the child). */
  reportsRoot: string;
  caseIds?: readonly string[];
  /** `inherit`: Playwright's output goes to our stderr as progress; `capture`: it is returned. */
  output: 'inherit' | 'capture';
  /** The child's environment; this process's by default. */
  env?: NodeJS.ProcessEnv;
}

/** `--grep` for the chosen case ids: a tag followed by a space or the end, so `@20` never selects `@201`. */
export function grepForCases(ids: readonly string[]): string {
  return `@(${ids.map((id) => id.replace(/[^0-9A-Za-z_-]/g, '')).join('|')})( |$)`;
}

export async function clearOutputs(paths: ReportPaths, extra: readonly string[]): Promise<void> {
  for (const path of [paths.testResults, paths.json, paths.junit, paths.html, paths.allureResults, ...extra])
    await rm(path, { recursive: true, force: true });
}

export async function runWitnessPack(options: PackRunOptions): Promise<PackRunInfo> {
  const paths = reportPathsUnder(options.reportsRoot);
  const started = Date.now();
  const args = [
    '--import',
    TSX_LOADER,
    PLAYWRIGHT_CLI,
    'test',
    '--config',
    PACK_CONFIG,
    '--project',
    'witness',
    ...(options.caseIds ? ['--grep', grepForCases(options.caseIds)] : []),
  ];
  const child = spawn(process.execPath, args, {
    // The run's state goes where this process reads it back, never into the folder of a run that started it.
    env: { ...(options.env ?? process.env), MESH_ASSURE_REPORTS: paths.root, ...runStateVariable(paths.state) },
    stdio: options.output === 'inherit' ? ['ignore', process.stderr, process.stderr] : ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exitCode = await new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
  const finishedAt = new Date().toISOString();
  const run = readRunInfo(paths);
  if (!existsSync(paths.json) || !run)
    throw new Error(
      `the witness pack did not run (Playwright exited ${exitCode})${options.output === 'capture' ? `:\n${output.slice(-4000)}` : ': see its output above'}`,
    );
  if (run.configError) throw new Error(run.configError);
  return {
    runId: run.runId,
    startedAt: run.startedAt,
    finishedAt,
    exitCode,
    sandboxUrl: run.sandbox?.baseUrl,
    wallMs: Date.now() - started,
    report: readJsonReport(paths.json),
    output,
  };
}
