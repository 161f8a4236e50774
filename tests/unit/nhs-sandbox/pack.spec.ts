/**
 * The whole witness pack against NHS England's own MESH sandbox, plain HTTP and TLS, as a user runs it:
 * `MESH_TARGET=nhs-sandbox MESH_URL=...` and nothing else (with TLS, the certificate run.sh printed as the
 * CA). No case may fail; what that server cannot show is reported not demonstrable with the catalogue's
 * reason. Needs the kit beside the checkout (`../shared/peers/nhs-mesh-sandbox`); a clone without it says
 * so and runs the rest of the suite.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { CASES } from '../../../fixtures/cases.ts';
import { runWitnessPack, specsOf } from '../../../fixtures/pack-process.ts';
import { NHS_SANDBOX_KIT, nhsSandboxKitPresent, startNhsSandbox, type NhsSandbox } from '../../support/nhs-sandbox.ts';

test.skip(!nhsSandboxKitPresent(), `NHS's MESH sandbox kit is not at ${NHS_SANDBOX_KIT}: the nhs-sandbox suite is not run`);
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

const cases: { name: string; tls: boolean; env: Record<string, string> }[] = [
  // 501 and 502 move 210 MB over TLS below; plain HTTP moves two chunks' worth, enough to show chunking.
  { name: 'plain HTTP', tls: false, env: { MESH_LARGE_MESSAGE_MB: '25' } },
  { name: 'TLS, its certificate as the CA', tls: true, env: {} },
];

for (const { name, tls, env } of cases) {
  test(`the whole pack against NHS's sandbox over ${name}: nothing fails, 703 and 705 not demonstrable with the reason`, async () => {
    server = await startNhsSandbox({ tls });
    const run = await runWitnessPack({
      reportsDir: join(work, tls ? 'tls' : 'plain'),
      env: { MESH_TARGET: 'nhs-sandbox', MESH_URL: server.baseUrl, ...(server.caCertPath ? { MESH_CA_CERT: server.caCertPath } : {}), ...env },
    });
    expect(run.exitCode, run.output.split('\n').slice(-40).join('\n')).toBe(0);
    const outcome = Object.fromEntries(specsOf(run.report).map((s) => [s.tags[0], { status: s.tests[0]!.results.at(-1)!.status, annotations: s.tests[0]!.annotations }]));
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
    expect(outcome['701']!.annotations).toContainEqual({ type: 'not-demonstrable', description: 'disabled mailbox: disabling a mailbox needs the sandbox admin API' });
  });
}
