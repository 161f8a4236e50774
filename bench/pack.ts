/**
 * npm run bench:pack
 * Runs the whole witness pack against the embedded sandbox (or whatever MESH_TARGET says) in a child
 * Playwright run, as a user would, and prints the wall time of each case and of the whole run.
 */
import { rmSync } from 'node:fs';
import { specsOf } from '../src/pack/results.ts';
import { runWitnessPack } from '../src/pack/runner.ts';
import { packEnvironment } from '../tests/support/pack-environment.ts';

const reportsDir = 'reports/bench-pack';
rmSync(reportsDir, { recursive: true, force: true });
const passThrough = Object.fromEntries(
  Object.entries(process.env).filter((e): e is [string, string] => e[0].startsWith('MESH_') && e[1] !== undefined),
);
const run = await runWitnessPack({ reportsRoot: reportsDir, output: 'capture', env: packEnvironment(passThrough) });

const rows = specsOf(run.report).map((spec) => {
  const result = spec.tests[0]?.results.at(-1);
  return {
    case: spec.title,
    status: result?.status ?? 'not run',
    seconds: ((result?.duration ?? 0) / 1000).toFixed(2),
  };
});
const width = Math.max(...rows.map((r) => r.case.length));
for (const r of rows) console.log(`${r.case.padEnd(width)}  ${r.status.padEnd(8)} ${r.seconds.padStart(7)} s`);
const casesSeconds = rows.reduce((sum, r) => sum + Number(r.seconds), 0);
console.log(`${'cases'.padEnd(width)}  ${''.padEnd(8)} ${casesSeconds.toFixed(2).padStart(7)} s`);
console.log(
  `${'wall time (npx playwright test --project witness)'.padEnd(width)}  ${''.padEnd(8)} ${(run.wallMs / 1000).toFixed(2).padStart(7)} s`,
);
if (run.exitCode !== 0) {
  console.log(run.output.split('\n').slice(-40).join('\n'));
  process.exit(run.exitCode);
}
