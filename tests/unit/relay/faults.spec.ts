/**
 * Faults reach the product and the journal, never hidden: a target that cannot be reached, cannot be
 * verified, refuses the relay's client certificate or closes before answering gets the product a 502
 * naming the cause; one that closes mid-answer cuts the product's connection; the target's own errors
 * come through unchanged. Every one is journalled with what happened.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { expect, test } from '@playwright/test';
import { MeshError } from '../../../src/mesh/index.ts';
import { makeAuthToken } from '../../../src/protocol/index.ts';
import { writeSandboxTlsMaterial, type SandboxTlsMaterial } from '../../../src/pki/index.ts';
import { startRelay, type RelayOptions, type RunningRelay } from '../../../src/relay/index.ts';
import { startHarness, type Harness } from '../mesh/helpers.ts';
import { PRODUCT, productClient } from './helpers.ts';

let h: Harness;
/** Another throwaway CA: a client certificate from it is refused, and a target it signed is not verified. */
let stranger: SandboxTlsMaterial;
test.beforeAll(async () => {
  h = await startHarness({ tls: 'mtls' });
  stranger = await writeSandboxTlsMaterial(mkdtempSync(join(tmpdir(), 'stranger-ca-')), {
    mailboxes: [{ mailboxId: PRODUCT, odsCode: 'X26' }],
  });
});
test.afterAll(async () => h.close());

/** A port nothing listens on: taken from the system, then let go. */
async function closedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A TLS server (certificate from `stranger`'s CA) that reads the request head, then behaves as `serve`
 * says; `heads` collects the request line of every head it read.
 */
async function rawTlsTarget(
  serve: 'cut-answer' | 'close-during-upload' | 'close-kept-connection',
  heads: string[] = [],
): Promise<TlsServer> {
  const server = createTlsServer(
    { key: readFileSync(stranger.serverKeyPath), cert: readFileSync(stranger.serverCertPath) },
    (socket) => {
      let seen = '';
      let answered = 0;
      socket.on('data', (piece: Buffer) => {
        seen += piece.toString('latin1');
        if (!seen.includes('\r\n\r\n')) return;
        heads.push(seen.slice(0, seen.indexOf('\r\n')));
        if (serve === 'close-kept-connection') {
          // The first request on a connection is answered and the connection kept; the next finds it closed,
          // as when a server's idle timeout races a client's next request.
          seen = '';
          if ((answered += 1) === 1)
            socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}');
          else socket.destroy();
          return;
        }
        if (serve === 'cut-answer')
          socket.end(
            `HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000\r\n\r\n${'x'.repeat(100)}`,
          );
        else socket.destroy();
        socket.removeAllListeners('data');
      });
      socket.on('error', () => undefined);
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

const sandboxIdentity = (): Partial<RelayOptions> => ({
  caCertPath: h.sandbox.tls!.caCertPath,
  clientTls: { certPath: h.sandbox.tls!.clients[PRODUCT]!.certPath, keyPath: h.sandbox.tls!.clients[PRODUCT]!.keyPath },
});

interface Case {
  name: string;
  relay: () => Promise<Partial<RelayOptions> & { targetUrl: string }>;
  /** The status the product sees and what its error says. */
  status: number;
  said: RegExp;
  fault?: RegExp;
  password?: string;
}

const CASES: Case[] = [
  {
    name: 'the target is unreachable',
    relay: async () => ({ ...sandboxIdentity(), targetUrl: `https://127.0.0.1:${await closedPort()}` }),
    status: 502,
    said: /nothing is listening at https:\/\/127\.0\.0\.1:\d+ \(connection refused\)/,
    fault: /nothing is listening/,
  },
  {
    name: 'the target refuses a missing client certificate',
    relay: async () => ({ targetUrl: h.sandbox.baseUrl, caCertPath: h.sandbox.tls!.caCertPath }),
    status: 502,
    said: /the target asks for a client certificate and none is configured: set MESH_CLIENT_CERT/,
    fault: /asks for a client certificate/,
  },
  {
    name: 'the target refuses a client certificate from another CA',
    relay: async () => ({
      targetUrl: h.sandbox.baseUrl,
      caCertPath: h.sandbox.tls!.caCertPath,
      clientTls: { certPath: stranger.clients[PRODUCT]!.certPath, keyPath: stranger.clients[PRODUCT]!.keyPath },
    }),
    status: 502,
    said: /closed the connection before answering.*refused the client certificate: check that MESH_CLIENT_CERT/,
    fault: /refused the client certificate/,
  },
  {
    name: "the target's certificate does not chain to the configured CA",
    relay: async () => ({ ...sandboxIdentity(), caCertPath: stranger.caCertPath, targetUrl: h.sandbox.baseUrl }),
    status: 502,
    said: /does not chain to a trusted CA .*MESH_CA_CERT/,
    fault: /does not chain/,
  },
  {
    name: 'the target refuses the token (its own 403 comes through)',
    relay: async () => ({ ...sandboxIdentity(), targetUrl: h.sandbox.baseUrl }),
    password: 'wrong',
    status: 403,
    said: /403 Forbidden: Invalid Authentication Token/,
  },
];

for (const c of CASES) {
  test(`${c.name}: the product gets ${c.status} and the journal says so`, async () => {
    const relay = await startRelay({ listen: 'plain', ...(await c.relay()) });
    const product = productClient(relay, h.sandbox, [], c.password);
    try {
      const error = await product.handshake().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(MeshError);
      expect((error as MeshError).status).toBe(c.status);
      expect((error as MeshError).message).toMatch(c.said);
      const [entry] = relay.journal.entries();
      expect(entry).toMatchObject({
        method: 'POST',
        path: `/messageexchange/${PRODUCT}`,
        status: c.status,
        mailbox: PRODUCT,
      });
      if (c.fault) expect(entry!.fault).toMatch(c.fault);
      else expect(entry!.fault).toBeUndefined();
    } finally {
      await product.close();
      await relay.close();
    }
  });
}

test('a target that closes mid-answer cuts the product off after the bytes it sent, and the journal names the cut', async () => {
  const target = await rawTlsTarget('cut-answer');
  const relay = await startRelay({
    listen: 'plain',
    targetUrl: `https://127.0.0.1:${(target.address() as AddressInfo).port}`,
    caCertPath: stranger.caCertPath,
  });
  try {
    const res = await fetch(`${relay.url}/messageexchange/${PRODUCT}/inbox/X/1`);
    expect(res.status).toBe(200);
    await expect(res.arrayBuffer()).rejects.toThrow();
    await expect
      .poll(() => relay.journal.entries()[0]?.fault)
      .toBe("the target closed the connection after 100 bytes of the answer's body");
    expect(relay.journal.entries()[0]).toMatchObject({ status: 200, bytesOut: 100 });
  } finally {
    await relay.close();
    target.close();
  }
});

test('a target that closes during the upload, before answering, gets the product a 502 naming it', async () => {
  const target = await rawTlsTarget('close-during-upload');
  const relay = await startRelay({
    listen: 'plain',
    targetUrl: `https://127.0.0.1:${(target.address() as AddressInfo).port}`,
    caCertPath: stranger.caCertPath,
  });
  try {
    const res = await fetch(`${relay.url}/messageexchange/${PRODUCT}/outbox`, {
      method: 'POST',
      body: Buffer.alloc(5_000_000, 1),
      headers: { accept: 'application/vnd.mesh.v2+json' },
    });
    expect(res.status).toBe(502);
    expect(JSON.stringify(await res.json())).toMatch(
      /the target closed the connection before answering, after \d+ bytes of the request body/,
    );
    expect(relay.journal.entries()[0]).toMatchObject({
      status: 502,
      fault: expect.stringMatching(/closed the connection/),
    });
  } finally {
    await relay.close();
    target.close();
  }
});

test('a kept connection the target has closed: a request without a body goes again on a new one, a body is never sent twice', async () => {
  const heads: string[] = [];
  const target = await rawTlsTarget('close-kept-connection', heads);
  const relay = await startRelay({
    listen: 'plain',
    targetUrl: `https://127.0.0.1:${(target.address() as AddressInfo).port}`,
    caCertPath: stranger.caCertPath,
  });
  const inbox = `${relay.url}/messageexchange/${PRODUCT}/inbox`;
  try {
    expect((await fetch(inbox)).status).toBe(200);
    // Written to the kept connection, which the target closes: sent again on a new connection.
    expect((await fetch(inbox)).status).toBe(200);
    // A new kept connection, then a send written to it, which the target closes: the body does not go again.
    expect((await fetch(inbox)).status).toBe(200);
    const sent = await fetch(`${relay.url}/messageexchange/${PRODUCT}/outbox`, { method: 'POST', body: 'once only' });
    expect(sent.status).toBe(502);
    expect(JSON.stringify(await sent.json())).toMatch(/closed the connection before answering, after 9 bytes/);
    const inboxLine = `GET /messageexchange/${PRODUCT}/inbox HTTP/1.1`;
    const outboxLine = `POST /messageexchange/${PRODUCT}/outbox HTTP/1.1`;
    expect(heads).toEqual([inboxLine, inboxLine, inboxLine, inboxLine, outboxLine]);
    expect(relay.journal.entries().map((e) => [e.method, e.status])).toEqual([
      ['GET', 200],
      ['GET', 200],
      ['GET', 200],
      ['POST', 502],
    ]);
  } finally {
    await relay.close();
    target.close();
  }
});

test('a product that goes away mid-upload has the upload to the target stopped, and the journal says how far it got', async () => {
  const relay = await startRelay({ listen: 'plain', ...sandboxIdentity(), targetUrl: h.sandbox.baseUrl });
  try {
    const { port } = new URL(relay.url);
    const upload = request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: `/messageexchange/${PRODUCT}/outbox`,
      headers: {
        'content-length': '10000000',
        accept: 'application/vnd.mesh.v2+json',
        authorization: makeAuthToken({ sharedKey: h.sandbox.sharedKey, mailboxId: PRODUCT, password: 'password' }),
        'content-type': 'application/octet-stream',
        'mex-from': PRODUCT,
        'mex-to': 'X26ABC2',
        'mex-workflowid': 'MESH_ASSURE_TEST',
      },
    });
    upload.on('error', () => undefined);
    upload.write(Buffer.alloc(300_000, 1), () => setTimeout(() => upload.destroy(), 200));
    await expect
      .poll(() => relay.journal.entries()[0]?.fault, { message: JSON.stringify(relay.journal.entries()) })
      .toMatch(/^the product closed the connection after \d+ bytes of its request body$/);
    expect(relay.journal.entries()[0]!.bytesIn).toBeLessThan(10_000_000);
  } finally {
    await relay.close();
  }
});

const REFUSALS: { name: string; options: RelayOptions; said: RegExp }[] = [
  {
    name: 'a plain-HTTP target',
    options: { targetUrl: 'http://127.0.0.1:8700' },
    said: /not https: the relay forwards only over TLS/,
  },
  {
    name: 'an unreadable CA bundle',
    options: { targetUrl: 'https://127.0.0.1:1', caCertPath: '/nope/ca.pem' },
    said: /cannot read the target CA bundle \(MESH_CA_CERT\) at \/nope\/ca\.pem \(ENOENT\)/,
  },
  {
    name: 'a certificate without its key',
    options: { targetUrl: 'https://127.0.0.1:1', clientTls: { certPath: '/nope/c.pem' } },
    said: /needs both MESH_CLIENT_CERT and MESH_CLIENT_KEY/,
  },
  { name: 'a target that is not a URL', options: { targetUrl: 'intt' }, said: /"intt" is not a URL/ },
  {
    name: 'a journal it cannot write',
    options: { targetUrl: 'https://127.0.0.1:1', journalFile: '/proc/relay.jsonl' },
    said: /cannot write the journal \/proc\/relay\.jsonl \(\w+\): give --journal a file in a folder you can write to/,
  },
];

for (const r of REFUSALS) {
  test(`the relay refuses to start with ${r.name}`, async () => {
    let started: RunningRelay | undefined;
    await expect(startRelay({ ...r.options, listen: 'plain' }).then((relay) => (started = relay))).rejects.toThrow(
      r.said,
    );
    await started?.close();
  });
}
