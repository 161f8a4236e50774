import { defineConfig } from '@playwright/test';
import { REPORT_PATHS } from './fixtures/report-paths.ts';

// Evaluated again in every worker: keep it free of side effects.
export default defineConfig({
  outputDir: REPORT_PATHS.testResults,
  workers: 2,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  timeout: 120_000,
  reporter: [
    ['list'],
    ['json', { outputFile: REPORT_PATHS.json }],
    ['junit', { outputFile: REPORT_PATHS.junit }],
    ['html', { outputFolder: REPORT_PATHS.html, open: 'never' }],
    ['allure-playwright', { resultsDir: REPORT_PATHS.allureResults, detail: false }],
  ],
  projects: [
    { name: 'unit', testDir: 'tests/unit' },
  ],
});
