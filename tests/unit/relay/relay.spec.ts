/**
 * Our client as the product, through the relay, in front of a real mutual-TLS sandbox: MESH works
 * unchanged, the bytes the sandbox received are the bytes the product sent, and the relay's journal says
 * what the sandbox's own journal says about the product, so the rules judge both alike.
 */
import { randomBytes } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { bufferSource, type Exchange, type MeshClient } from '../../../src/mesh/index.ts';
import type { RunningRelay } from '../../../src/relay/index.ts';
import type { JournalEntry } from '../../../src/sandbox/index.ts';
import { startHarness, type Harness } from '../mesh/helpers.ts';
import { PEER, PRODUCT, productClient, relayInFront, sha256, storedChunk } from './helpers.ts';

let h: Harness;
let relay: RunningRelay;
test.beforeAll(async () => {
  h = await startHarness({ tls: 'mtls' });
  ({ relay } = await relayInFront(h.sandbox));
});
test.afterAll(async () => {
  await relay.close();
  await h.close();
});

/** What the relay and the sandbox both say of a request (time and duration are each one's own). */
const comparable = (e: JournalEntry) => ({
  method: e.method,
  path: e.path,
  status: e.status,
  mailbox: e.mailbox,
  headers: e.headers,
  nonce: e.token?.nonce,
  messageId: e.messageId,
  answer: e.answer,
  bytesIn: e.bytesIn,
  bytesOut: e.bytesOut,
});

/** The journal entries of requests made from `since` on, by the relay and by the sandbox, for the product. */
function journalsSince(since: Date): { relayed: JournalEntry[]; sandbox: JournalEntry[] } {
  return {
    relayed: relay.journal.entries({ mailbox: PRODUCT, since }),
    sandbox: h.sandbox.journal.entries({ mailbox: PRODUCT, since }),
  };
}

test('handshake, send, download and acknowledge work through the relay, and both journals say the same', async () => {
  const since = new Date();
  const product = productClient(relay, h.sandbox);
  const { client: peer } = h.client(PEER);
  try {
    await product.handshake();
    const sent = await product.send(
      { to: PEER, workflowId: 'MESH_ASSURE_TEST', subject: 'to the peer' },
      'from the product',
    );
    await product.listInbox();
    expect((await peer.downloadTo(sent.messageId)).sha256).toBe(sent.sha256);
    await peer.acknowledge(sent.messageId);
    const back = await peer.send({ to: PRODUCT, workflowId: 'MESH_ASSURE_TEST' }, 'from the peer');
    const got = await product.downloadTo(back.messageId);
    await product.acknowledge(back.messageId);
    expect(got.sha256).toBe(back.sha256);
    const { relayed, sandbox } = journalsSince(since);
    expect(relayed.map((e) => `${e.method} ${e.status}`)).toEqual([
      'POST 200',
      'POST 202',
      'GET 200',
      'GET 200',
      'PUT 200',
    ]);
    expect(relayed.map(comparable)).toEqual(sandbox.map(comparable));
    expect(relayed.find((e) => e.method === 'POST' && e.status === 202)?.messageId).toBe(sent.messageId);
  } finally {
    await product.close();
  }
});

test('a REPORT looked at and downloaded: both journals keep what its answer said (type, linked message, status), in one shape', async () => {
  const product = productClient(relay, h.sandbox);
  try {
    const sent = await product.send({ to: PEER, workflowId: 'MESH_ASSURE_TEST' }, 'never collected');
    const { report_message_id: reportId } = (await h.admin('POST', `/message/${sent.messageId}/expire`)) as {
      report_message_id: string;
    };
    const since = new Date();
    await product.head(reportId);
    await product.downloadTo(reportId);
    await product.acknowledge(reportId);
    const { relayed, sandbox } = journalsSince(since);
    const report = {
      messageType: 'REPORT',
      linkedMessageId: sent.messageId,
      statusCode: '14',
      statusEvent: expect.any(String),
      statusDescription: expect.any(String),
      statusSuccess: 'ERROR',
    };
    expect(relayed.map((e) => [e.method, e.answer])).toEqual([
      ['HEAD', report],
      ['GET', report],
      ['PUT', undefined],
    ]);
    expect(relayed.map(comparable)).toEqual(sandbox.map(comparable));
  } finally {
    await product.close();
  }
});

/** The digest the product computed of each body it put on the wire, chunk 1 first. */
const sentDigests = (log: Exchange[]): string[] =>
  log.flatMap((e) => (e.method === 'POST' && e.sentSha256 && e.status < 300 ? [e.sentSha256] : []));

const MESSAGES: { name: string; gzip: boolean; send(p: MeshClient): Promise<string> }[] = [
  {
    name: 'plain',
    gzip: false,
    send: async (p) => (await p.send({ to: PEER, workflowId: 'MESH_ASSURE_TEST' }, randomBytes(200_000))).messageId,
  },
  {
    name: 'gzip',
    gzip: true,
    send: async (p) =>
      (await p.send({ to: PEER, workflowId: 'MESH_ASSURE_TEST', gzip: true }, 'compressible '.repeat(50_000)))
        .messageId,
  },
  {
    name: 'chunked',
    gzip: false,
    send: async (p) =>
      (
        await p.sendChunked(
          { to: PEER, workflowId: 'MESH_ASSURE_TEST' },
          bufferSource(randomBytes(3 * 256 * 1024 + 1000)),
          { chunkSize: 256 * 1024 },
        )
      ).messageId,
  },
];

for (const m of MESSAGES) {
  test(`a ${m.name} message reaches the target byte for byte as the product sent it`, async () => {
    const log: Exchange[] = [];
    const product = productClient(relay, h.sandbox, log);
    try {
      const messageId = await m.send(product);
      const sent = sentDigests(log);
      expect(sent.length).toBe(m.name === 'chunked' ? 4 : 1);
      for (const [i, digest] of sent.entries())
        expect(sha256(await storedChunk(h.sandbox, PEER, messageId, i + 1, m.gzip)), `chunk ${i + 1}`).toBe(digest);
    } finally {
      await product.close();
    }
  });
}
