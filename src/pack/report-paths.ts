/**
 * Where a pack run's output goes: all under reports/ in the working directory (git ignores it), as absolute
 * paths, so that Playwright (which resolves relative paths against its config, inside this package) writes
 * them where the user ran mesh-assure. MESH_ASSURE_REPORTS moves the whole tree, so a run started by another
 * run (the pack's own tests) writes its reports and state beside, not over, them.
 */
import { resolve } from 'node:path';

export interface ReportPaths {
  root: string;
  testResults: string;
  json: string;
  junit: string;
  html: string;
  allureResults: string;
  /** The run's state (run id, handshakes, ledger, exchange log) and state kept between runs (703). */
  state: string;
}

export function reportPathsUnder(root: string): ReportPaths {
  const at = resolve(root);
  return {
    root: at,
    testResults: `${at}/test-results`,
    json: `${at}/results.json`,
    junit: `${at}/junit.xml`,
    html: `${at}/playwright-report`,
    allureResults: `${at}/allure-results`,
    state: `${at}/state`,
  };
}

export const REPORT_PATHS: ReportPaths = reportPathsUnder(process.env.MESH_ASSURE_REPORTS ?? 'reports');
