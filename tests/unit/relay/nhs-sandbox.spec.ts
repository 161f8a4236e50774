/**
 * The relay in front of a MESH server nobody on the team wrote: NHS's own sandbox over TLS (it has no
 * mutual TLS, so the relay presents no client certificate; the target's certificate is still verified,
 * against the one the sandbox prints). Our client as the product validates, sends, downloads and
 * acknowledges through it, and the relay's journal is judged.
 */
import { randomBytes } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { MeshClient, type Exchange } from '../../../src/mesh/index.ts';
import { judgeJournal, startRelay, type RunningRelay } from '../../../src/relay/index.ts';
import { NHS_SANDBOX_KIT, nhsSandboxKitPresent, startNhsSandbox, type NhsSandbox } from '../../support/nhs-sandbox.ts';
import { PEER, PRODUCT, sha256 } from './helpers.ts';

test.skip(
  !nhsSandboxKitPresent(),
  `NHS's MESH sandbox kit is not at ${NHS_SANDBOX_KIT}: the relay is not run in front of it`,
);

let nhs: NhsSandbox;
let relay: RunningRelay;
test.beforeAll(async () => {
  nhs = await startNhsSandbox({ tls: true });
  relay = await startRelay({ targetUrl: nhs.baseUrl, caCertPath: nhs.caCertPath! });
});
test.afterAll(async () => {
  await relay?.close();
  await nhs?.stop();
});

const client = (mailboxId: string, baseUrl: string, caCertPath: string, log?: Exchange[]) =>
  new MeshClient({
    baseUrl,
    caCertPath,
    mailboxId,
    password: 'password',
    sharedKey: 'TestKey',
    retry: { attempts: 1 },
    ...(log ? { onExchange: (e: Exchange) => log.push(e) } : {}),
  });

test("our client as the product works through the relay in front of NHS's sandbox, and its journal is judged", async () => {
  const log: Exchange[] = [];
  const product = client(PRODUCT, relay.url, relay.caCertPath!, log);
  const peer = client(PEER, nhs.baseUrl, nhs.caCertPath!);
  try {
    await product.handshake();
    const content = randomBytes(100_000);
    const sent = await product.send({ to: PEER, workflowId: 'TEST_WORKFLOW' }, content);
    await product.listInbox();
    const arrived = await peer.downloadTo(sent.messageId);
    expect(arrived.sha256).toBe(sha256(content));
    expect(log.find((e) => e.method === 'POST' && e.path.endsWith('/outbox'))?.sentSha256).toBe(sha256(content));
    await peer.acknowledge(sent.messageId);
    const back = await peer.send({ to: PRODUCT, workflowId: 'TEST_WORKFLOW' }, 'from the peer');
    expect((await product.downloadTo(back.messageId)).sha256).toBe(back.sha256);
    await product.acknowledge(back.messageId);
  } finally {
    await product.close();
    await peer.close();
  }
  const entries = relay.journal.entries();
  expect(entries.map((e) => `${e.method} ${e.status}`)).toEqual([
    'POST 200',
    'POST 202',
    'GET 200',
    'GET 200',
    'PUT 200',
  ]);
  expect(entries.every((e) => e.fault === undefined && e.mailbox === PRODUCT)).toBe(true);
  const rules = Object.fromEntries(
    judgeJournal(entries, { ackWithinMs: 60_000, pollIntervalMs: 0, handshakeWindowMs: 86_400_000 })[0]!.rules.map(
      (r) => [r.rule, r.outcome],
    ),
  );
  expect(rules).toMatchObject({
    'handshake-once-first': 'PASS',
    'handshake-headers': 'PASS',
    'fresh-token': 'PASS',
    'inbox-after-send': 'PASS',
    'ack-within': 'PASS',
    'no-download-twice': 'PASS',
  });
});
