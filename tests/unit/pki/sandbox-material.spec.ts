import { expect, test } from '@playwright/test';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import {
  createTestCa,
  inspectCertificate,
  issueCertificate,
  writeSandboxTlsMaterial,
  type SandboxTlsMaterial,
} from '../../../src/pki/index.ts';

const MAILBOXES = [
  { mailboxId: 'X26ABC1', odsCode: 'X26' },
  { mailboxId: 'X26ABC2', odsCode: 'X26' },
];

let dir: string;
let material: SandboxTlsMaterial;

test.beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mesh-assure-sandbox-tls-'));
  material = await writeSandboxTlsMaterial(dir, { mailboxes: MAILBOXES });
});

test.afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** An mTLS server like the sandbox's: client certificates required and checked against the sandbox CA. */
async function startServer(): Promise<{ server: Server; port: number }> {
  const server = createServer(
    {
      cert: await readFile(material.serverCertPath),
      key: await readFile(material.serverKeyPath),
      ca: await readFile(material.caCertPath),
      requestCert: true,
      rejectUnauthorized: true,
    },
    (req, res) => {
      const peer = (req.socket as import('node:tls').TLSSocket).getPeerCertificate();
      res.end(peer.subject?.CN ?? '');
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

async function get(url: string, identity: { cert: string | Buffer; key: string | Buffer }): Promise<string> {
  const dispatcher = new Agent({ connect: { ca: await readFile(material.caCertPath), ...identity } });
  try {
    const response = await request(url, { dispatcher });
    return `${response.statusCode} ${await response.body.text()}`;
  } finally {
    await dispatcher.close();
  }
}

test('writes CA, server and per-mailbox client files, keys readable by the owner only', async () => {
  expect(material.caCertPath).toBe(join(dir, 'ca.pem'));
  expect(Object.keys(material.clients)).toEqual(['X26ABC1', 'X26ABC2']);
  const client = material.clients.X26ABC1!;
  expect(client.commonName).toBe('X26ABC1.X26.api.mesh-client.nhs.uk');
  expect(client.certPath).toBe(join(dir, 'clients', 'X26ABC1.pem'));
  const info = inspectCertificate(await readFile(client.certPath));
  expect(info.subject).toBe('CN=X26ABC1.X26.api.mesh-client.nhs.uk');
  expect(info.issuer).toBe('CN=mesh-assure sandbox CA');
  const server = inspectCertificate(await readFile(material.serverCertPath));
  expect(server.subjectAltNames).toBe('DNS:localhost, IP Address:127.0.0.1');
  if (process.platform !== 'win32') {
    for (const path of [material.serverKeyPath, client.keyPath, join(dir, 'ca.key')]) {
      expect((await stat(path)).mode & 0o777).toBe(0o600);
    }
  }
});

test('Node TLS with undici: a sandbox client certificate is accepted on localhost and 127.0.0.1', async () => {
  const { server, port } = await startServer();
  try {
    const client = material.clients.X26ABC2!;
    const identity = { cert: await readFile(client.certPath), key: await readFile(client.keyPath) };
    expect(await get(`https://localhost:${port}/`, identity)).toBe(`200 ${client.commonName}`);
    expect(await get(`https://127.0.0.1:${port}/`, identity)).toBe(`200 ${client.commonName}`);
  } finally {
    server.close();
  }
});

test('Node TLS with undici: a client certificate from another CA is refused', async () => {
  const { server, port } = await startServer();
  try {
    const stranger = await issueCertificate(await createTestCa({ commonName: 'stranger CA' }), {
      purpose: 'client',
      commonName: 'X26ABC1.X26.api.mesh-client.nhs.uk',
    });
    await expect(get(`https://localhost:${port}/`, { cert: stranger.certPem, key: stranger.keyPem })).rejects.toThrow();
  } finally {
    server.close();
  }
});

test('a second call reuses good files; a new mailbox or host adds only what is missing', async () => {
  const before = await readFile(material.clients.X26ABC1!.certPath, 'utf8');
  const caBefore = await readFile(material.caCertPath, 'utf8');
  const serverBefore = await readFile(material.serverCertPath, 'utf8');

  const again = await writeSandboxTlsMaterial(dir, { mailboxes: MAILBOXES });
  expect(again).toEqual(material);
  expect(await readFile(material.serverCertPath, 'utf8')).toBe(serverBefore);

  const grown = await writeSandboxTlsMaterial(dir, {
    mailboxes: [...MAILBOXES, { mailboxId: 'RX8OT001', odsCode: 'RX8' }],
    hosts: ['sandbox.test'],
  });
  expect(await readFile(grown.caCertPath, 'utf8')).toBe(caBefore);
  expect(await readFile(grown.clients.X26ABC1!.certPath, 'utf8')).toBe(before);
  expect(grown.clients.RX8OT001!.commonName).toBe('RX8OT001.RX8.api.mesh-client.nhs.uk');
  const server = inspectCertificate(await readFile(grown.serverCertPath));
  expect(server.subjectAltNames).toBe('DNS:localhost, IP Address:127.0.0.1, DNS:sandbox.test');
});

test('a different ODS code for a mailbox reissues its certificate under the new name', async () => {
  const changed = await writeSandboxTlsMaterial(dir, { mailboxes: [{ mailboxId: 'X26ABC1', odsCode: 'RX8' }] });
  expect(inspectCertificate(await readFile(changed.clients.X26ABC1!.certPath)).commonName).toBe(
    'X26ABC1.RX8.api.mesh-client.nhs.uk',
  );
});
