/** TLS and mutual TLS: the throwaway CA's server certificate, required client certificates, mailbox binding. */
import { readFileSync } from 'node:fs';
import { Agent } from 'undici';
import { writeSandboxTlsMaterial } from '../../../src/pki/index.ts';
import { call, expect, HANDSHAKE_HEADERS, PEER, SUT, test } from './helpers.ts';
import type { RunningSandbox } from '../../../src/sandbox/index.ts';

const agentFor = (sandbox: RunningSandbox, mailbox?: string, files = sandbox.tls!) =>
  new Agent({
    connect: {
      ca: readFileSync(sandbox.tls!.caCertPath),
      ...(mailbox
        ? { cert: readFileSync(files.clients[mailbox]!.certPath), key: readFileSync(files.clients[mailbox]!.keyPath) }
        : {}),
    },
  });

test.describe('tls', () => {
  test.use({ sandboxOptions: { tls: 'tls' } });
  test('serves HTTPS with a certificate from its CA; no client certificate needed', async ({ sandbox }) => {
    expect(sandbox.baseUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const dispatcher = agentFor(sandbox);
    expect(
      (await call(sandbox, `/messageexchange/${SUT}`, { as: SUT, headers: HANDSHAKE_HEADERS, dispatcher })).status,
    ).toBe(200);
    await expect(call(sandbox, '/health')).rejects.toThrow(); // an unknown CA is refused by the client
    await dispatcher.close();
  });
});

test.describe('mtls', () => {
  test.use({ sandboxOptions: { tls: 'mtls' } });
  test('requires a client certificate from its CA, issued to the authenticating mailbox', async ({ sandbox }) => {
    expect(Object.keys(sandbox.tls!.clients)).toEqual([SUT, PEER, 'X26ABC3']);
    expect(sandbox.tls!.clients[SUT]!.commonName).toBe('X26ABC1.X26.api.mesh-client.nhs.uk');
    const own = agentFor(sandbox, SUT);
    expect(
      (await call(sandbox, `/messageexchange/${SUT}`, { as: SUT, headers: HANDSHAKE_HEADERS, dispatcher: own })).status,
    ).toBe(200);
    const mismatch = await call(sandbox, `/messageexchange/${PEER}`, {
      as: PEER,
      headers: HANDSHAKE_HEADERS,
      dispatcher: own,
    });
    expect(mismatch.status).toBe(403);

    const none = agentFor(sandbox);
    await expect(call(sandbox, '/health', { dispatcher: none })).rejects.toThrow();
    const otherCa = await writeSandboxTlsMaterial(`${sandbox.dataDir}/other-ca`, {
      mailboxes: [{ mailboxId: SUT, odsCode: 'X26' }],
    });
    const foreign = agentFor(sandbox, SUT, otherCa);
    await expect(call(sandbox, '/health', { dispatcher: foreign })).rejects.toThrow();
    await Promise.all([own.close(), none.close(), foreign.close()]);
  });
});

test.describe('mtls relaxed', () => {
  test.use({ sandboxOptions: { tls: 'mtls', relax: { mtls: true } } });
  test('a certificate of another mailbox is accepted', async ({ sandbox }) => {
    const own = agentFor(sandbox, SUT);
    expect(
      (await call(sandbox, `/messageexchange/${PEER}`, { as: PEER, headers: HANDSHAKE_HEADERS, dispatcher: own }))
        .status,
    ).toBe(200);
    await own.close();
  });
});
