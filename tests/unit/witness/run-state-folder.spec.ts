/**
 * A plain `playwright test` run (one spec, as a developer runs it beside `npm test`) keeps its run state in a
 * folder of its own and removes it: the pack's state in reports/state (a witness run's run id, exchange log,
 * ledger, and 703's pending record) is left byte for byte as it was. A folder left by a killed run goes.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { packEnvironment } from '../../support/pack-environment.ts';

const PLAYWRIGHT_CLI = createRequire(import.meta.url).resolve('@playwright/test/cli');
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
/** A small spec of the unit project, run as a developer would. */
const SPEC = 'tests/unit/protocol/auth-token.spec.ts';

test('a unit-test run leaves the witness run state in reports/state untouched', async () => {
  test.setTimeout(180_000);
  const reports = mkdtempSync(join(tmpdir(), 'mesh-assure-state-folder-'));
  try {
    const state = join(reports, 'state');
    mkdirSync(state);
    const witness = {
      'run.json': '{"runId":"run-witness","startedAt":"2026-12-07T19:00:00.000Z"}\n',
      'exchanges.jsonl': '{"seq":1,"mailboxId":"X26ABC1"}\n',
      'ledger.jsonl': '{"messageId":"20261207190000000000_ABCDEF","caseId":"201"}\n',
      'pending-703.json': '{"https://int|X26ABC1":{"messageId":"20261207190000000000_ABCDEF"}}\n',
    };
    for (const [name, text] of Object.entries(witness)) writeFileSync(join(state, name), text);
    // A run killed before its teardown left its folder; one still running (this worker) keeps its own.
    const killed = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => killed.on('exit', resolve));
    const abandoned = join(state, 'runs', `run-2026-12-07T18-00-00-000Z-${killed.pid}`);
    const live = join(state, 'runs', `run-2026-12-07T18-30-00-000Z-${process.pid}`);
    for (const folder of [abandoned, live]) {
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, 'run.json'), '{}\n');
    }
    const child = spawn(process.execPath, [PLAYWRIGHT_CLI, 'test', SPEC, '--project', 'unit', '--reporter', 'line'], {
      cwd: ROOT,
      env: packEnvironment({ MESH_ASSURE_REPORTS: reports }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, output.slice(-2000)).toBe(0);
    const left = readdirSync(state, { withFileTypes: true });
    expect(
      Object.fromEntries(
        left.filter((e) => e.isFile()).map((e) => [e.name, readFileSync(join(state, e.name), 'utf8')]),
      ),
    ).toEqual(witness);
    // The run's own folder is made under runs/ and removed at its teardown; the killed run's folder went at
    // its start, the running one's stays.
    expect(left.filter((e) => e.isDirectory()).map((e) => e.name)).toEqual(['runs']);
    expect(readdirSync(join(state, 'runs')), 'the run removed its own and the abandoned folder').toEqual([
      basename(live),
    ]);
  } finally {
    rmSync(reports, { recursive: true, force: true });
  }
});
