#!/usr/bin/env node
// Prints "N passed, N failed, N skipped" from a Playwright JSON report; exits 1 when any test failed or
// when the report is missing or ran no test.
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'reports/results.json';
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (error) {
  console.log(`no test report at ${file}: ${error.message}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const { expected = 0, unexpected = 0, flaky = 0, skipped = 0 } = report.stats ?? {};
const passed = expected + flaky;
console.log(`${passed} passed, ${unexpected} failed, ${skipped} skipped`);
process.exit(unexpected > 0 || passed === 0 ? 1 : 0);
