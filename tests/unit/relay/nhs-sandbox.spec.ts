/**
 * The relay in front of a MESH server nobody on the team wrote: NHS's own sandbox over TLS (it has no
 * mutual TLS, so the relay presents no client certificate; the target's certificate is still verified,
 * against the one the sandbox prints). Our client as the product validates, sends, downloads and
 * acknowledges through it, and the relay's journal is judged.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { MeshClient, type Exchange } from '../../../src/mesh/index.ts';
import { judgeJournal, startRelay, type RunningRelay } from '../../../src/relay/index.ts';
import { PEER, PRODUCT, sha256 } from './helpers.ts';

const RUN_SH = fileURLToPath(new URL('../../../../shared/peers/nhs-mesh-sandbox/run.sh', import.meta.url));

interface NhsSandbox {
  baseUrl: string;
  certPath: string;
  child: ChildProcess;
}

/** run.sh needs a port number: a random free-looking one, tried again when the server cannot bind it. */
async function startNhsSandbox(): Promise<NhsSandbox> {
  for (let attempt = 1; ; attempt++) {
    const port = randomInt(20_000, 60_000);
    const child = spawn(RUN_SH, [String(port), '--tls'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    const started = await new Promise<string | Error>((resolve) => {
      let certPath: string | undefined;
      child.stderr!.on('data', (d: Buffer) => {
        stderr += d.toString();
        certPath ??= /use as the CA\): (\S+)/.exec(stderr)?.[1];
        if (certPath && /Uvicorn running on/.test(stderr)) resolve(certPath);
      });
      child.once('exit', (code) => resolve(new Error(`run.sh exited (${code}): ${stderr}`)));
    });
    if (typeof started === 'string') return { baseUrl: `https://127.0.0.1:${port}`, certPath: started, child };
    if (attempt === 5 || !/address already in use/i.test(stderr)) throw started;
  }
}

let nhs: NhsSandbox;
let relay: RunningRelay;
test.beforeAll(async () => {
  nhs = await startNhsSandbox();
  relay = await startRelay({ targetUrl: nhs.baseUrl, caCertPath: nhs.certPath });
});
test.afterAll(async () => {
  await relay?.close();
  if (nhs && nhs.child.exitCode === null) {
    const exited = new Promise((resolve) => nhs.child.once('exit', resolve));
    nhs.child.kill('SIGTERM');
    await exited;
  }
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
  const peer = client(PEER, nhs.baseUrl, nhs.certPath);
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
