/** Starts a real sandbox (mutual TLS by default) and builds clients for it, each with its exchange log. */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import { MeshClient, type Exchange, type MeshClientOptions } from '../../../src/mesh/index.ts';
import { startSandbox, type RunningSandbox, type SandboxOptions } from '../../../src/sandbox/index.ts';

export interface Harness {
  sandbox: RunningSandbox;
  /** A client for `mailboxId`, with its exchanges collected in `log`. */
  client(mailboxId: string, overrides?: Partial<MeshClientOptions>): { client: MeshClient; log: Exchange[] };
  /** Calls the sandbox admin API. */
  admin(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<unknown>;
  close(): Promise<void>;
}

export async function startHarness(options: SandboxOptions = {}): Promise<Harness> {
  const sandbox = await startSandbox({ tls: 'mtls', ...options });
  const clients: MeshClient[] = [];
  const tls = sandbox.tls;
  const first = sandbox.mailboxes[0]!.mailboxId;
  const adminAgent = new Agent({
    connect: tls
      ? {
          ca: readFileSync(tls.caCertPath),
          cert: readFileSync(tls.clients[first]!.certPath),
          key: readFileSync(tls.clients[first]!.keyPath),
        }
      : {},
  });
  return {
    sandbox,
    client(mailboxId, overrides = {}) {
      const log: Exchange[] = [];
      const mailbox = sandbox.mailboxes.find((m) => m.mailboxId === mailboxId);
      const identity = tls?.clients[mailboxId];
      const client = new MeshClient({
        baseUrl: sandbox.baseUrl,
        mailboxId,
        password: mailbox?.password ?? 'password',
        sharedKey: sandbox.sharedKey,
        ...(tls ? { caCertPath: tls.caCertPath } : {}),
        ...(identity ? { tls: { certPath: identity.certPath, keyPath: identity.keyPath } } : {}),
        retry: { baseDelayMs: 20, maxDelayMs: 200 },
        onExchange: (e) => log.push(e),
        ...overrides,
      });
      clients.push(client);
      return { client, log };
    },
    async admin(method, path, body) {
      const res = await request(`${sandbox.adminUrl}${path}`, {
        method,
        dispatcher: adminAgent,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? null : JSON.stringify(body),
      });
      const text = await res.body.text();
      if (res.statusCode >= 300) throw new Error(`admin ${method} ${path} answered ${res.statusCode}: ${text}`);
      return text ? JSON.parse(text) : undefined;
    },
    async close() {
      await Promise.all(clients.map((c) => c.close()));
      await adminAgent.close();
      await sandbox.close();
    },
  };
}

/** Deterministic bytes: the same seed always gives the same content, so digests can be compared. */
export function patternBytes(size: number, seed = 1): Buffer {
  const out = Buffer.allocUnsafe(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i += 1) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** The error `promise` rejects with; fails the test when it resolves. */
export async function rejection<E extends Error = Error>(promise: Promise<unknown>): Promise<E> {
  try {
    await promise;
  } catch (error) {
    return error as E;
  }
  throw new Error('expected a rejection');
}
