import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { MeshClient, MeshConnectionError } from '../../../src/mesh/index.ts';
import { writeSandboxTlsMaterial } from '../../../src/pki/index.ts';
import { startHarness, type Harness } from './helpers.ts';

let h: Harness;
test.beforeAll(async () => {
  h = await startHarness({ tls: 'mtls' });
});
test.afterAll(async () => h.close());

const base = () => ({
  baseUrl: h.sandbox.baseUrl,
  mailboxId: 'X26ABC1',
  password: 'password',
  sharedKey: h.sandbox.sharedKey,
  retry: { attempts: 1 },
});

async function failure(client: MeshClient): Promise<Error> {
  try {
    await client.handshake();
  } catch (error) {
    return error as Error;
  } finally {
    await client.close();
  }
  throw new Error('expected the handshake to fail');
}

test('without a client certificate the failure names the client-certificate settings', async () => {
  const error = await failure(new MeshClient({ ...base(), caCertPath: h.sandbox.tls!.caCertPath }));
  expect(error).toBeInstanceOf(MeshConnectionError);
  expect(error).toMatchObject({ code: 'MESH_ERR_TLS' });
  expect(error.message).toMatch(/MESH_CLIENT_CERT and MESH_CLIENT_KEY/);
});

test('a server certificate from an unknown CA is refused: verification is on by default', async () => {
  const ids = h.sandbox.tls!.clients.X26ABC1!;
  const error = await failure(new MeshClient({ ...base(), tls: { certPath: ids.certPath, keyPath: ids.keyPath } }));
  expect(error).toMatchObject({ code: 'MESH_ERR_TLS', systemCode: expect.stringMatching(/CERT|SIGNATURE|ISSUER/) });
  expect(error.message).toMatch(/does not chain to a trusted CA .*MESH_CA_CERT/);
});

test('a client certificate from another CA is refused', async () => {
  const other = await writeSandboxTlsMaterial(mkdtempSync(join(tmpdir(), 'other-ca-')), {
    mailboxes: [{ mailboxId: 'X26ABC1', odsCode: 'X26' }],
  });
  const ids = other.clients.X26ABC1!;
  const error = await failure(
    new MeshClient({
      ...base(),
      caCertPath: h.sandbox.tls!.caCertPath,
      tls: { certPath: ids.certPath, keyPath: ids.keyPath },
    }),
  );
  expect(error).toBeInstanceOf(MeshConnectionError);
});

test('turning server verification off needs a reason', () => {
  expect(() => new MeshClient({ ...base(), insecureSkipServerVerification: { reason: ' ' } })).toThrow(
    /needs a reason/,
  );
});

test('nothing listening gives an actionable connection-refused message', async () => {
  const error = await failure(new MeshClient({ ...base(), baseUrl: 'http://127.0.0.1:9' }));
  expect(error).toMatchObject({ code: 'MESH_ERR_CONNECT', systemCode: 'ECONNREFUSED' });
  expect(error.message).toMatch(
    /^handshake X26ABC1: POST http:\/\/127\.0\.0\.1:9\/messageexchange\/X26ABC1 failed: nothing is listening at http:\/\/127\.0\.0\.1:9 .*MESH_TARGET/,
  );
});

test('a missing certificate file is named with its setting', () => {
  expect(() => new MeshClient({ ...base(), tls: { certPath: '/nope/c.pem', keyPath: '/nope/k.pem' } })).toThrow(
    expect.objectContaining({ code: 'MESH_ERR_CONFIG' }),
  );
  expect(() => new MeshClient({ ...base(), tls: { certPath: '/nope/c.pem', keyPath: '/nope/k.pem' } })).toThrow(
    /cannot read the client certificate \(MESH_CLIENT_CERT\) at \/nope\/c\.pem \(ENOENT\)/,
  );
});
