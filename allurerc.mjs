// Allure 3 report configuration, read by `allure generate` (run by `mesh-assure run`, src/evidence/allure-report.ts).
// Two single-file views of the same results: awesome (Allure 3's own) and allure2 (the classic look).
// `classic` is left out: in 3.18 it opens on a blank pane. Both pages embed an analytics tag that the
// evidence code strips before packing.
import { defineConfig } from 'allure';

export default defineConfig({
  name: 'MESH technical conformance',
  output: './reports/allure-report',
  plugins: {
    // The tree groups cases by the test pack's sets (Sending, Receiving ...), which the pack labels as features;
    // en-iso is English with ISO 8601 dates; src/evidence/awesome-page.ts puts them in UTC with the zone.
    awesome: {
      options: {
        singleFile: true,
        reportName: 'MESH technical conformance',
        groupBy: ['feature'],
        reportLanguage: 'en-iso',
        // The charts a single run fills; the default set adds history, trends, layers and pyramids, which
        // render as "No results" for one run.
        charts: [
          { type: 'currentStatus', title: 'Current status' },
          {
            type: 'testResultSeverities',
            title: 'Test results by severities',
            levels: ['blocker', 'critical', 'normal', 'minor', 'trivial'],
            statuses: ['passed', 'failed', 'broken', 'skipped', 'unknown'],
            includeUnset: true,
          },
          { type: 'successRateDistribution', title: 'Success rate distribution' },
          { type: 'durations', title: 'Durations histogram', groupBy: 'none' },
        ],
      },
    },
    allure2: { options: { singleFile: true, reportName: 'MESH technical conformance' } },
  },
});
