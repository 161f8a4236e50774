import { defineConfig } from '@playwright/test';
import { REPORT_PATHS } from './src/pack/report-paths.ts';

// Evaluated again in every worker: keep it free of side effects.
export default defineConfig({
  outputDir: REPORT_PATHS.testResults,
  workers: 2,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  timeout: 120_000,
  // Starts the embedded sandbox for the witness pack (target sandbox) and begins the run's state.
  globalSetup: './fixtures/global-setup.ts',
  reporter: [
    ['list'],
    ['json', { outputFile: REPORT_PATHS.json }],
    ['junit', { outputFile: REPORT_PATHS.junit }],
    ['html', { outputFolder: REPORT_PATHS.html, open: 'never' }],
    [
      'allure-playwright',
      {
        resultsDir: REPORT_PATHS.allureResults,
        detail: false,
        // The test pack is a private spreadsheet: the link names the case, it leads nowhere on the network.
        links: { tms: { urlTemplate: 'mesh-test-pack:%s', nameTemplate: 'MESH test pack case %s' } },
      },
    ],
  ],
  projects: [
    { name: 'unit', testDir: 'tests/unit' },
    // One worker, files in order: the handshake case first, and 703 moves the sandbox clock late in the run.
    { name: 'witness', testDir: 'tests/witness', workers: 1, fullyParallel: false },
  ],
});
