import { defineConfig } from '@playwright/test';
import { REPORT_PATHS } from './src/pack/report-paths.ts';

// Evaluated again in every worker: keep it free of side effects.
export default defineConfig({
  outputDir: REPORT_PATHS.testResults,
  // Three on the machines' two cores: most of a unit run waits on child processes (pack runs, product
  // commands, sandboxes). The product-mode and observe specs took 308 s with two workers, 238 s with three.
  workers: 3,
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
        // The test pack is a private spreadsheet: the link leads to the case's entry on the bundle's landing
        // page, relative to the Allure pages (reports/<view>/index.html), never to the network.
        links: { tms: { urlTemplate: '../../index.html#case-%s', nameTemplate: 'MESH test pack case %s' } },
      },
    ],
  ],
  projects: [
    { name: 'unit', testDir: 'tests/unit' },
    // One worker, files in order: the handshake case first, and 703 moves the sandbox clock late in the run.
    { name: 'witness', testDir: 'tests/witness', workers: 1, fullyParallel: false },
  ],
});
