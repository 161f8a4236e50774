/** `mesh-assure relay` as a user runs it: settings from the environment, a ready line, a journal file, a clean stop. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { MeshClient } from '../../../src/mesh/index.ts';
import { inspectCertificate } from '../../../src/pki/index.ts';
import { startRelayProcess } from '../../support/relay-process.ts';
import { runCli } from '../cli/run-cli.ts';
import { startHarness, type Harness } from '../mesh/helpers.ts';
import { PRODUCT } from './helpers.ts';
import { exchangeLine } from '../../../src/cli/commands/relay.ts';

let h: Harness;
test.beforeAll(async () => {
  h = await startHarness({ tls: 'mtls' });
});
test.afterAll(async () => h.close());

/** The sut mailbox's settings for the sandbox as a URL target, as `run` reads them. */
const settings = (): Record<string, string> => {
  const tls = h.sandbox.tls!;
  return {
    MESH_TARGET: h.sandbox.baseUrl,
    MESH_CA_CERT: tls.caCertPath,
    MESH_CLIENT_CERT: tls.clients[PRODUCT]!.certPath,
    MESH_CLIENT_KEY: tls.clients[PRODUCT]!.keyPath,
    MESH_MAILBOX_ID: PRODUCT,
    MESH_MAILBOX_PASSWORD: 'password',
    MESH_SHARED_KEY: h.sandbox.sharedKey,
    MESH_WORKFLOW_ID: 'MESH_ASSURE_TEST',
  };
};

/** All the relay itself needs: the product signs its own requests, so no mailbox, password, shared key or workflow. */
const relaySettings = (): Record<string, string> => {
  const { MESH_TARGET, MESH_CA_CERT, MESH_CLIENT_CERT, MESH_CLIENT_KEY } = settings();
  return {
    MESH_TARGET: MESH_TARGET!,
    MESH_CA_CERT: MESH_CA_CERT!,
    MESH_CLIENT_CERT: MESH_CLIENT_CERT!,
    MESH_CLIENT_KEY: MESH_CLIENT_KEY!,
  };
};

test('the relay prints its URL and CA, relays the product to the target, journals to --journal and stops on SIGTERM', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'relay-cli-'));
  const journal = join(dir, 'journal.jsonl');
  const relay = await startRelayProcess(['--journal', journal, '--data-dir', join(dir, 'relay')], relaySettings());
  try {
    expect(relay.ready).toMatchObject({
      url: expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+$/),
      caCertPath: join(dir, 'relay', 'tls', 'ca.pem'),
      targetUrl: h.sandbox.baseUrl,
      journal,
    });
    // What the product's operator is asked to trust says whose it is.
    expect(inspectCertificate(readFileSync(relay.ready.caCertPath!)).commonName).toBe('mesh-assure relay CA');
    const product = new MeshClient({
      baseUrl: relay.ready.url,
      caCertPath: relay.ready.caCertPath!,
      mailboxId: PRODUCT,
      password: 'password',
      sharedKey: h.sandbox.sharedKey,
    });
    await product.handshake();
    await product.close();
  } finally {
    expect(await relay.stop()).toBe(0);
  }
  const handshake = expect.objectContaining({
    method: 'POST',
    path: `/messageexchange/${PRODUCT}`,
    status: 200,
    mailbox: PRODUCT,
  });
  const lines = readFileSync(journal, 'utf8').trim().split('\n');
  expect(lines.map((l) => JSON.parse(l))).toEqual([handshake]);
  // And on stdout as it passed (--json: one object a line), with nothing of the product's secrets.
  expect(relay.lines.map((l) => JSON.parse(l))).toEqual([{ exchange: handshake }]);
  expect(relay.lines.join('\n')).not.toContain(h.sandbox.sharedKey);
});

test('a line a request, as it passes, for the person watching', () => {
  const entry = {
    time: '2026-12-07T22:50:01.123Z',
    method: 'GET',
    path: '/messageexchange/X26ABC1/inbox/20261207225000000000_ABCDEF',
    status: 200,
    durationMs: 41.6,
    headers: {},
    bytesIn: 0,
    bytesOut: 3 * 1024 * 1024,
  };
  expect(exchangeLine(entry)).toBe(
    '2026-12-07T22:50:01.123Z  GET /messageexchange/X26ABC1/inbox/20261207225000000000_ABCDEF  200  42 ms  (0 B up, 3.0 MiB down)',
  );
  expect(
    exchangeLine({ ...entry, method: 'POST', status: 502, bytesIn: 2048, bytesOut: 0, fault: 'target unreachable' }),
  ).toMatch(/ {2}502 {2}42 ms {2}\(2\.0 KiB up, 0 B down\) {2}fault: target unreachable$/);
});

const REFUSED: { name: string; args: string[]; env?: Record<string, string>; said: RegExp }[] = [
  {
    name: 'the embedded sandbox as the target',
    args: ['--target', 'sandbox'],
    said: /relay needs --target int, dep or a URL/,
  },
  { name: 'both --tls and --plain', args: ['--tls', '--plain'], said: /choose one of --tls and --plain/ },
  {
    name: 'a plain-HTTP target',
    args: ['--target', 'http://127.0.0.1:8700'],
    said: /not https: the relay forwards only over TLS/,
  },
  {
    name: 'int without a client certificate',
    args: ['--target', 'int'],
    env: { MESH_CLIENT_CERT: '', MESH_CLIENT_KEY: '' },
    said: /MESH_CLIENT_CERT: not set \(the int environment requires a client TLS certificate\)/,
  },
  { name: 'a bad port', args: ['--port', 'x'], said: /--port must be a whole number/ },
];

for (const r of REFUSED) {
  test(`relay refuses ${r.name}, saying what to fix`, async () => {
    const result = await runCli(['relay', '--port', '0', ...r.args], { ...settings(), ...r.env });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(r.said);
  });
}
