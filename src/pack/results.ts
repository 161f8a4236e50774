/** Playwright's JSON report of a pack run, as the pack's tools read it: the specs, their tests and results. */
import { readFileSync } from 'node:fs';

export interface JsonAnnotation {
  type: string;
  description?: string;
}

export interface JsonTestResult {
  status: string;
  duration: number;
  annotations?: JsonAnnotation[];
  /** `body` is base64. */
  attachments: { name: string; contentType: string; body?: string; path?: string }[];
  errors: { message?: string }[];
}

export interface JsonTest {
  projectName: string;
  annotations: JsonAnnotation[];
  results: JsonTestResult[];
}

export interface JsonSpec {
  id: string;
  title: string;
  tags: string[];
  file: string;
  tests: JsonTest[];
}

export interface JsonSuite {
  specs?: JsonSpec[];
  suites?: JsonSuite[];
}

export interface JsonReport {
  suites: JsonSuite[];
  stats: { duration: number; expected: number; unexpected: number; skipped: number };
}

export const readJsonReport = (path: string): JsonReport => JSON.parse(readFileSync(path, 'utf8')) as JsonReport;

export function specsOf(report: Pick<JsonReport, 'suites'>): JsonSpec[] {
  const walk = (suite: JsonSuite): JsonSpec[] => [...(suite.specs ?? []), ...(suite.suites ?? []).flatMap(walk)];
  return report.suites.flatMap(walk);
}
