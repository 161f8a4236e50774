/**
 * The whole witness pack against NHS England's own MESH sandbox, plain HTTP and TLS, as a user runs it:
 * `MESH_TARGET=nhs-sandbox MESH_URL=...` and nothing else (with TLS, the certificate run.sh printed as the
 * CA). No case may fail; what that server cannot show is reported not demonstrable with the catalogue's
 * reason. Needs the kit beside the checkout (`../shared/peers/nhs-mesh-sandbox`); a clone without it says
 * so and runs the rest of the suite.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { CASES } from '../../../src/pack/catalogue.ts';
import { specsOf, type JsonReport } from '../../../src/pack/results.ts';
import { runWitnessPack } from '../../../src/pack/runner.ts';
import { packEnvironment } from '../../support/pack-environment.ts';
import { runCli } from '../cli/run-cli.ts';
import { NHS_SANDBOX_KIT, nhsSandboxKitPresent, startNhsSandbox, type NhsSandbox } from '../../support/nhs-sandbox.ts';

test.skip(
  !nhsSandboxKitPresent(),
  `NHS's MESH sandbox kit is not at ${NHS_SANDBOX_KIT}: the nhs-sandbox suite is not run`,
);
test.describe.configure({ mode: 'serial', timeout: 420_000 });

const NOT_DEMONSTRABLE = CASES.filter((c) => c.targets['nhs-sandbox'].how === 'not-demonstrable').map((c) => c.id);

let work: string;
let server: NhsSandbox | undefined;

test.beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'mesh-assure-nhs-sandbox-'));
});

test.afterEach(async () => {
  await server?.stop();
  server = undefined;
});

test.afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Every case passed, but those the catalogue says NHS's sandbox cannot show: skipped with that reason. */
function expectOutcomes(report: JsonReport): void {
  const outcome = Object.fromEntries(
    specsOf(report).map((s) => [
      s.tags[0],
      { status: s.tests[0]!.results.at(-1)!.status, annotations: s.tests[0]!.annotations },
    ]),
  );
  expect(Object.keys(outcome).sort()).toEqual(CASES.map((c) => c.id).sort());
  for (const c of CASES) {
    const { status, annotations } = outcome[c.id]!;
    const showing = c.targets['nhs-sandbox'];
    if (showing.how === 'not-demonstrable') {
      expect(status, c.id).toBe('skipped');
      expect(annotations, c.id).toContainEqual({ type: 'not-demonstrable', description: showing.why });
    } else expect(status, c.id).toBe('passed');
  }
  expect(NOT_DEMONSTRABLE).toEqual(['703', '705']);
  expect(outcome['701']!.annotations).toContainEqual({
    type: 'not-demonstrable',
    description: 'disabled mailbox: disabling a mailbox needs the sandbox admin API',
  });
}

test('mesh-assure run over plain HTTP needs MESH_TARGET and MESH_URL only: nothing fails, 703 and 705 not demonstrable, a bundle that verifies', async () => {
  server = await startNhsSandbox({ tls: false });
  const reports = join(work, 'plain');
  const out = join(work, 'evidence');
  // 501 and 502 move 210 MB over TLS below; here two chunks' worth is enough to show chunking.
  const run = await runCli(['run', '--out', out], {
    MESH_TARGET: 'nhs-sandbox',
    MESH_URL: server.baseUrl,
    MESH_ASSURE_REPORTS: reports,
    MESH_LARGE_MESSAGE_MB: '25',
  });
  expect(run.code, `${run.stdout}\n${run.stderr.split('\n').slice(-40).join('\n')}`).toBe(0);
  expectOutcomes(JSON.parse(readFileSync(join(reports, 'results.json'), 'utf8')) as JsonReport);
  const bundle = /^bundle (.+\.zip)$/m.exec(run.stdout)?.[1];
  expect(bundle).toMatch(/mesh-evidence-X26ABC1-nhs-sandbox-\d{8}T\d{6}Z\.zip$/);
  const verified = await runCli(['verify', bundle!]);
  expect([verified.code, verified.stdout]).toEqual([0, expect.stringMatching(/^OK /)]);
});

test('the whole pack over TLS, the certificate run.sh printed as the CA: nothing fails, 703 and 705 not demonstrable', async () => {
  server = await startNhsSandbox({ tls: true });
  const run = await runWitnessPack({
    reportsRoot: join(work, 'tls'),
    output: 'capture',
    env: packEnvironment({ MESH_TARGET: 'nhs-sandbox', MESH_URL: server.baseUrl, MESH_CA_CERT: server.caCertPath! }),
  });
  expect(run.exitCode, run.output.split('\n').slice(-40).join('\n')).toBe(0);
  expectOutcomes(run.report);
});
