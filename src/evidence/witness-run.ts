/**
 * Runs the witness pack as a child Playwright process (`npx playwright test --project witness`, selected
 * cases by their tags) with fresh outputs: allure-results is never cleaned by its reporter, so old results
 * would leak into this run's report. Playwright's own output goes to stderr as progress.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';

export interface ReportPaths {
  root: string;
  testResults: string;
  json: string;
  junit: string;
  html: string;
  allureResults: string;
  state: string;
}

export interface PackRunInfo {
  runId: string;
  startedAt: string;
  finishedAt: string;
  exitCode: number;
  /** The base URL of the sandbox the run started, when the target was the sandbox. */
  sandboxUrl: string | undefined;
}

/** `--grep` for the chosen case ids: a tag followed by a space or the end, so `@20` never selects `@201`. */
export function grepForCases(ids: readonly string[]): string {
  return `@(${ids.map((id) => id.replace(/[^0-9A-Za-z_-]/g, '')).join('|')})( |$)`;
}

export async function clearOutputs(paths: ReportPaths, extra: readonly string[]): Promise<void> {
  for (const path of [paths.testResults, paths.json, paths.junit, paths.html, paths.allureResults, ...extra]) await rm(path, { recursive: true, force: true });
}

export async function runWitnessPack(paths: ReportPaths, caseIds: readonly string[] | undefined): Promise<PackRunInfo> {
  const args = ['playwright', 'test', '--project', 'witness', ...(caseIds ? ['--grep', grepForCases(caseIds)] : [])];
  const child = spawn('npx', args, { stdio: ['ignore', process.stderr, process.stderr] });
  const exitCode = await new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
  const finishedAt = new Date().toISOString();
  const runFile = `${paths.state}/run.json`;
  if (!existsSync(paths.json) || !existsSync(runFile)) throw new Error(`the witness pack did not run (Playwright exited ${exitCode}): see its output above`);
  const run = JSON.parse(readFileSync(runFile, 'utf8')) as { runId: string; startedAt: string; configError?: string; sandbox?: { baseUrl: string } };
  if (run.configError) throw new Error(run.configError);
  return { runId: run.runId, startedAt: run.startedAt, finishedAt, exitCode, sandboxUrl: run.sandbox?.baseUrl };
}
