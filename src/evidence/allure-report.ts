/**
 * The Allure 3 reports, made by the installed `allure` CLI (node_modules/.bin, never fetched) from the
 * run's allure-results with the project's allurerc.mjs: one self-contained page each for the awesome and
 * allure2 views, each adapted where allurerc.mjs cannot configure it (awesome-page.ts, allure2-page.ts).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { adaptAllure2Page } from './allure2-page.ts';
import { adaptAwesomePage } from './awesome-page.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
// Resolved, not joined under this package: installed as a dependency, allure sits beside mesh-assure.
const ALLURE_BIN = join(dirname(fileURLToPath(import.meta.resolve('allure'))), '..', 'cli.js');

export interface AllureReports {
  awesome: string;
  allure2: string;
}

export async function generateAllureReports(resultsDir: string, outputDir: string): Promise<AllureReports> {
  if (!existsSync(ALLURE_BIN)) throw new Error(`the allure CLI is not installed (${ALLURE_BIN}): run npm ci`);
  resultsDir = resolve(resultsDir);
  outputDir = resolve(outputDir);
  await rm(outputDir, { recursive: true, force: true });
  try {
    await promisify(execFile)(process.execPath, [ALLURE_BIN, 'generate', resultsDir, '--output', outputDir], {
      cwd: PROJECT_ROOT,
      // Only the allure2 plugin honours it; offline.ts strips what the others embed.
      env: { ...process.env, ALLURE_NO_ANALYTICS: '1', NO_COLOR: '1' },
      maxBuffer: 16 << 20,
    });
  } catch (error) {
    const { stderr, stdout } = error as { stderr?: string; stdout?: string };
    throw new Error(
      `allure generate failed: ${(stderr || stdout || String(error)).trim().split('\n').slice(-3).join(' ')}`,
    );
  }
  const reports = {
    awesome: join(outputDir, 'awesome', 'index.html'),
    allure2: join(outputDir, 'allure2', 'index.html'),
  };
  for (const page of Object.values(reports)) if (!existsSync(page)) throw new Error(`allure generate wrote no ${page}`);
  await writeFile(reports.awesome, adaptAwesomePage(await readFile(reports.awesome, 'utf8')));
  await writeFile(reports.allure2, adaptAllure2Page(await readFile(reports.allure2, 'utf8')));
  return reports;
}
