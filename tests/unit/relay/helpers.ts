/** A relay in front of a real mutual-TLS sandbox, with our client as the product talking to the relay. */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { MeshClient, type Exchange } from '../../../src/mesh/index.ts';
import { makeAuthToken } from '../../../src/protocol/index.ts';
import { startRelay, type RelayOptions, type RunningRelay } from '../../../src/relay/index.ts';
import type { RunningSandbox } from '../../../src/sandbox/index.ts';

export const PRODUCT = 'X26ABC1';
export const PEER = 'X26ABC2';

/** The relay forwarding to `sandbox` with the product mailbox's client certificate, journalling to a file. */
export async function relayInFront(
  sandbox: RunningSandbox,
  overrides: Partial<RelayOptions> = {},
): Promise<{ relay: RunningRelay; journalFile: string }> {
  const tls = sandbox.tls!;
  const journalFile = join(mkdtempSync(join(tmpdir(), 'relay-journal-')), 'relay.jsonl');
  const relay = await startRelay({
    targetUrl: sandbox.baseUrl,
    caCertPath: tls.caCertPath,
    clientTls: { certPath: tls.clients[PRODUCT]!.certPath, keyPath: tls.clients[PRODUCT]!.keyPath },
    journalFile,
    ...overrides,
  });
  return { relay, journalFile };
}

/** Our client as the product: it knows only the relay's URL and CA, and signs its own tokens. */
export function productClient(
  relay: RunningRelay,
  sandbox: RunningSandbox,
  log: Exchange[] = [],
  password = 'password',
): MeshClient {
  return new MeshClient({
    baseUrl: relay.url,
    ...(relay.caCertPath ? { caCertPath: relay.caCertPath } : {}),
    mailboxId: PRODUCT,
    password,
    sharedKey: sandbox.sharedKey,
    retry: { attempts: 1 },
    onExchange: (e) => log.push(e),
  });
}

export const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/**
 * The bytes the sandbox stored for a chunk, fetched straight from it as the recipient: asked with the
 * encoding they were stored in, the sandbox serves them as they arrived.
 */
export async function storedChunk(
  sandbox: RunningSandbox,
  recipient: string,
  messageId: string,
  chunk: number,
  gzip: boolean,
): Promise<Buffer> {
  const tls = sandbox.tls!;
  const dispatcher = new Agent({
    connect: {
      ca: readFileSync(tls.caCertPath),
      cert: readFileSync(tls.clients[recipient]!.certPath),
      key: readFileSync(tls.clients[recipient]!.keyPath),
    },
  });
  try {
    const token = makeAuthToken({ sharedKey: sandbox.sharedKey, mailboxId: recipient, password: 'password' });
    const headers = {
      authorization: token,
      accept: 'application/vnd.mesh.v2+json',
      'accept-encoding': gzip ? 'gzip' : 'identity',
    };
    const res = await request(`${sandbox.baseUrl}/messageexchange/${recipient}/inbox/${messageId}/${chunk}`, {
      dispatcher,
      headers,
    });
    const body = Buffer.from(await res.body.arrayBuffer());
    if (res.statusCode >= 300) throw new Error(`direct download answered ${res.statusCode}: ${body.toString()}`);
    return body;
  } finally {
    await dispatcher.close();
  }
}
