/** The whole doctor run in process against real sandboxes: all-pass, and the failures only a server shows. */
import { createServer } from 'node:net';
import { expect, test } from '@playwright/test';
import { CHECK, runDoctor, type CheckResult } from '../../../src/doctor/index.ts';
import { createTestCa } from '../../../src/pki/index.ts';
import { startSandbox } from '../../../src/sandbox/index.ts';
import { startHarness, type Harness } from '../mesh/helpers.ts';
import { loaderFor, sandboxEnv, writeIdentity } from './helpers.ts';

const byName = (results: CheckResult[], name: string): CheckResult => {
  const found = results.find((r) => r.name === name);
  if (!found) throw new Error(`no ${name} check in ${JSON.stringify(results)}`);
  return found;
};

test.describe('against a sandbox with mutual TLS', () => {
  let h: Harness;
  test.beforeAll(async () => {
    h = await startHarness({ tls: 'mtls' });
  });
  test.afterAll(async () => h.close());

  test('a correct set-up passes every check', async () => {
    const results = await runDoctor(loaderFor(sandboxEnv(h.sandbox)));
    expect(results.map((r) => r.name)).toEqual(Object.values(CHECK));
    // No product commands: reference mode, which the product check reports as skipped.
    for (const r of results)
      expect(r.status, `${r.name}: ${r.detail}`).toBe(r.name === CHECK.productCommands ? 'SKIP' : 'PASS');
    expect(byName(results, CHECK.tls).detail).toMatch(
      /verified against MESH_CA_CERT .*the client certificate was accepted/,
    );
    expect(byName(results, CHECK.meshHandshake).detail).toBe('mailbox X26ABC1 validated');
  });

  test('a client certificate from another CA FAILs the chain and the TLS handshake; the MESH handshake is SKIP', async () => {
    const stranger = await writeIdentity(await createTestCa({ commonName: 'some other CA' }));
    const results = await runDoctor(
      loaderFor(sandboxEnv(h.sandbox, { MESH_CLIENT_CERT: stranger.certPath, MESH_CLIENT_KEY: stranger.keyPath })),
    );
    expect(byName(results, CHECK.chain)).toMatchObject({
      status: 'FAIL',
      detail: expect.stringMatching(/is not in the CA bundle/),
    });
    expect(byName(results, CHECK.tls)).toMatchObject({
      status: 'FAIL',
      fix: expect.stringMatching(/client certificate issued for this mailbox/),
    });
    expect(byName(results, CHECK.tls).detail).toMatch(/client certificate/);
    expect(byName(results, CHECK.meshHandshake)).toMatchObject({ status: 'SKIP', detail: 'the TLS connection failed' });
    expect(byName(results, CHECK.clock).status).toBe('SKIP');
  });
});

test('a server that is not listening FAILs reachability and SKIPs the server checks', async () => {
  const port = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = server.address() as { port: number };
      server.close(() => resolve(free));
    });
  });
  const results = await runDoctor(loaderFor({ MESH_URL: `http://127.0.0.1:${port}` }));
  expect(byName(results, CHECK.reachable)).toMatchObject({
    status: 'FAIL',
    detail: `nothing is listening at 127.0.0.1:${port} (connection refused)`,
    fix: expect.stringMatching(/MESH_URL, or start the sandbox/),
  });
  for (const name of [CHECK.tls, CHECK.meshHandshake, CHECK.clock])
    expect(byName(results, name)).toMatchObject({ status: 'SKIP', detail: 'the server is not reachable' });
});

test('a sandbox clock moved 3 hours FAILs the clock check, and the MESH handshake is refused for the token time', async () => {
  const h = await startHarness({ tls: 'mtls' });
  try {
    await h.admin('POST', '/clock/advance', { seconds: 3 * 3600 });
    const results = await runDoctor(loaderFor(sandboxEnv(h.sandbox)));
    expect(byName(results, CHECK.tls).status).toBe('PASS');
    expect(byName(results, CHECK.clock)).toMatchObject({
      status: 'FAIL',
      detail: expect.stringMatching(
        /, 3 h 0 min ahead of ours: MESH rejects auth tokens more than 2 h from server time$/,
      ),
      fix: expect.stringMatching(/clock/),
    });
    expect(byName(results, CHECK.meshHandshake)).toMatchObject({
      status: 'FAIL',
      detail: expect.stringMatching(/403 .*not within 2 hours of server time/),
    });
  } finally {
    await h.close();
  }
});

test('the plain sandbox with nothing configured SKIPs the certificate and TLS checks and passes the rest', async () => {
  const sandbox = await startSandbox({ tls: 'none' });
  try {
    const results = await runDoctor(loaderFor({ MESH_URL: sandbox.baseUrl }));
    expect(results.filter((r) => r.status === 'SKIP').map((r) => r.name)).toEqual([
      CHECK.productCommands,
      CHECK.certificateReadable,
      CHECK.keyMatches,
      CHECK.commonName,
      CHECK.validity,
      CHECK.chain,
      CHECK.tls,
      CHECK.serverKind,
    ]);
    expect(byName(results, CHECK.keyMatches).detail).toBe('the sandbox without --mtls needs no client certificate');
    expect(results.filter((r) => r.status !== 'SKIP').every((r) => r.status === 'PASS')).toBe(true);
  } finally {
    await sandbox.close();
  }
});
