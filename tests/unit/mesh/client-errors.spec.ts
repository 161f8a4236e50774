import { expect, test } from '@playwright/test';
import {
  bufferSource,
  MESH_ERROR_CODES,
  MeshClientError,
  MeshConnectionError,
  MeshError,
  readAll,
  type Exchange,
} from '../../../src/mesh/index.ts';
import { rejection, startHarness, type Harness } from './helpers.ts';

const SHARED_KEY = 'Sh4red-Key-Only-In-Config';

let h: Harness;
test.beforeAll(async () => {
  h = await startHarness({ sharedKey: SHARED_KEY });
});
test.afterAll(async () => h.close());

test('every MESH error becomes a typed MeshError with status, event, MESH code, text and a stable code', async () => {
  const { client, log } = h.client('X26ABC1');
  const unregistered = await rejection(client.send({ to: 'NOSUCH1', workflowId: 'MESH_ASSURE_TEST' }, 'x'));
  expect(unregistered).toBeInstanceOf(MeshError);
  expect(unregistered).toMatchObject({
    code: 'MESH_ERR_REJECTED',
    status: 417,
    event: 'SEND',
    meshCode: '12',
    description: 'Unregistered to address',
  });
  expect(unregistered.message).toBe('send to NOSUCH1: 417 Expectation Failed: Unregistered to address (MESH SEND 12)');

  const missing = await rejection(client.download('20200101000000000000_ABCDEF'));
  expect(missing).toMatchObject({
    code: 'MESH_ERR_NOT_FOUND',
    status: 404,
    event: 'RECEIVE',
    meshCode: '20',
    description: 'Message does not exist',
  });
  expect(missing.message).toMatch(/^download 20200101000000000000_ABCDEF: 404 Not Found: Message does not exist/);

  const notAllowed = await rejection(client.send({ to: 'X26ABC2', workflowId: 'TEST_WORKFLOW_ACK' }, 'x'));
  expect(notAllowed).toMatchObject({ code: 'MESH_ERR_REJECTED', status: 417, meshCode: '16' });

  const badPage = await rejection(client.listInbox({ maxResults: 5 }));
  expect(badPage).toMatchObject({ code: 'MESH_ERR_REJECTED', status: 400, bodyShape: 'validation' });
  expect(badPage.message).toContain('max_results');

  // 4xx answers are final: one attempt each.
  expect(log.filter((e) => e.status >= 400).map((e) => e.attempt)).toEqual([1, 1, 1, 1]);
});

test('an acknowledged message is gone (410) and acknowledging again is harmless', async () => {
  const sender = h.client('X26ABC1');
  const receiver = h.client('X26ABC2');
  const { messageId } = await sender.client.send({ to: 'X26ABC2', workflowId: 'MESH_ASSURE_TEST' }, 'once');
  await readAll((await receiver.client.download(messageId)).body);
  await receiver.client.acknowledge(messageId);
  await receiver.client.acknowledge(messageId);
  const gone = await rejection(receiver.client.download(messageId));
  expect(gone).toMatchObject({ code: MESH_ERROR_CODES.gone, status: 410 });
  // The message names the operation; MESH's odd event and code for 410 ("SEND", "Message already accepted") are kept out of it.
  expect(gone.message).toBe(
    `download ${messageId}: 410 Gone: Message no longer available for download (it was acknowledged or has expired)`,
  );
});

test('authentication failure is a 403 reported at once, never retried', async () => {
  const { client, log } = h.client('X26ABC1', { password: 'wrong-password' });
  const error = await rejection(client.handshake());
  expect(error).toBeInstanceOf(MeshError);
  expect(error).toMatchObject({ code: 'MESH_ERR_AUTH', status: 403 });
  expect(error.message).toMatch(
    /^handshake X26ABC1: 403 Forbidden: .*authentication failed: check the mailbox id, password, shared key/,
  );
  expect(log).toHaveLength(1);
});

test('a failed chunk is retried with backoff until it succeeds', async () => {
  const sender = h.client('X26ABC1');
  const receiver = h.client('X26ABC2');
  await h.admin('POST', '/faults', { method: 'POST', path: '/outbox/[^/]+/2$', status: 502, times: 2 });
  const content = Buffer.alloc(30_000, 7);
  const { messageId } = await sender.client.sendChunked(
    { to: 'X26ABC2', workflowId: 'MESH_ASSURE_TEST' },
    bufferSource(content),
    { chunkSize: 10_000 },
  );
  const chunk2 = sender.log.filter((e) => e.path.endsWith(`/${messageId}/2`));
  expect(chunk2.map((e) => [e.attempt, e.status])).toEqual([
    [1, 502],
    [2, 502],
    [3, 202],
  ]);
  expect(await readAll((await receiver.client.download(messageId)).body)).toEqual(content);
  await receiver.client.acknowledge(messageId);
});

test('the first POST to /outbox is never retried, so a message is never sent twice', async () => {
  const sender = h.client('X26ABC1');
  const receiver = h.client('X26ABC3');
  await h.admin('POST', '/faults', { method: 'POST', path: '/outbox$', status: 503, times: 1 });
  const error = await rejection(sender.client.send({ to: 'X26ABC3', workflowId: 'MESH_ASSURE_TEST' }, 'not twice'));
  expect(error).toMatchObject({ status: 503 });
  expect(sender.log.filter((e) => e.path.endsWith('/outbox'))).toHaveLength(1);
  expect((await receiver.client.listInbox()).messages).toEqual([]);
});

test('GETs are retried on 429 and 5xx, honouring the retry policy', async () => {
  const { client, log } = h.client('X26ABC2');
  await h.admin('POST', '/faults', { method: 'GET', path: '/inbox$', status: 429, times: 1 });
  await h.admin('POST', '/faults', { method: 'GET', path: '/inbox$', status: 500, times: 1 });
  await client.listInbox();
  expect(log.map((e) => e.status)).toEqual([429, 500, 200]);
  await h.admin('POST', '/faults', { method: 'GET', path: '/count$', status: 503, times: 9 });
  const error = await rejection(client.count());
  expect(error).toMatchObject({ code: 'MESH_ERR_UNAVAILABLE', status: 503 });
  expect(log.filter((e) => e.path.endsWith('/count'))).toHaveLength(4);
  await h.admin('DELETE', '/faults');
});

test('a server that stops answering times out with a clear message', async () => {
  const { client } = h.client('X26ABC2', { requestTimeoutMs: 300, retry: { attempts: 1 } });
  await h.admin('POST', '/faults', { method: 'GET', path: '/count$', status: 500, times: 1, delayMs: 2_000 });
  const error = await rejection(client.count());
  expect(error).toBeInstanceOf(MeshConnectionError);
  expect(error).toMatchObject({ code: 'MESH_ERR_TIMEOUT' });
  expect(error.message).toMatch(
    /^count of X26ABC2: GET .* failed: the server stopped responding within the request timeout/,
  );
  await h.admin('DELETE', '/faults');
});

test('one request at a time per mailbox by default', async () => {
  const { client } = h.client('X26ABC2');
  const since = new Date().toISOString();
  await Promise.all(Array.from({ length: 6 }, () => client.listInbox()));
  const entries = h.sandbox.journal
    .entries({ mailbox: 'X26ABC2', since: new Date(since) })
    .filter((e) => e.path.endsWith('/inbox'));
  expect(entries).toHaveLength(6);
  // Intervals [start, start + duration] never overlap when requests are serialised. The journal's times are
  // whole milliseconds (cut, not rounded), so an end is compared at that resolution too.
  const spans = entries
    .map((e) => [Date.parse(e.time), Math.floor(Date.parse(e.time) + e.durationMs)] as const)
    .sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < spans.length; i += 1) expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![1]);
});

test('no password, shared key or HMAC ever reaches the exchange record', async () => {
  const log: Exchange[] = [];
  const sender = h.client('X26ABC1', { onExchange: (e) => log.push(e) });
  await sender.client.handshake();
  const { messageId } = await sender.client.send({ to: 'X26ABC1', workflowId: 'MESH_ASSURE_TEST' }, 'secret-free');
  await readAll((await sender.client.download(messageId)).body);
  await sender.client.acknowledge(messageId);
  await sender.client.send({ to: 'NOSUCH1', workflowId: 'MESH_ASSURE_TEST' }, 'x').catch(() => undefined);
  const json = JSON.stringify(log);
  expect(log.length).toBeGreaterThanOrEqual(5);
  expect(json).not.toContain(SHARED_KEY);
  expect(json).not.toContain('password');
  // The only 64-digit hex strings are payload digests; the token's HMAC is redacted.
  const digests = new Set(log.flatMap((e) => [e.sentSha256, e.receivedSha256]).filter(Boolean));
  for (const hex of json.match(/[0-9a-f]{64}/g) ?? []) expect(digests.has(hex), hex).toBe(true);
  for (const e of log)
    expect(e.requestHeaders.authorization).toMatch(/^NHSMESH X26ABC1:[0-9a-f-]{36}:0:\d{12}:<redacted>$/);
});

test('a request the client cannot make is refused before anything is sent, with its own code', async () => {
  const { client, log } = h.client('X26ABC1');
  const error = await rejection(
    client.sendChunked({ to: 'X26ABC2', workflowId: 'MESH_ASSURE_TEST' }, bufferSource('x'), {
      chunkSize: 200_000_000,
    }),
  );
  expect(error).toBeInstanceOf(MeshClientError);
  expect(error).toMatchObject({ code: 'MESH_ERR_INVALID_ARG' });
  expect(log).toEqual([]);
});

test('closing a client twice is harmless, and a call after closing says the client is closed', async () => {
  const { client } = h.client('X26ABC1');
  await client.handshake();
  await Promise.all([client.close(), client.close()]);
  await client.close();
  const late = await rejection<MeshClientError>(client.count());
  expect(late.code).toBe(MESH_ERROR_CODES.closed);
  expect(late.message).toBe('count of X26ABC1: this client is closed; make a new MeshClient');
});
