import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { expect, test } from '@playwright/test';
import { bufferSource, fileSource, readAll, streamSource } from '../../../src/mesh/index.ts';
import { patternBytes, startHarness, type Harness } from './helpers.ts';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let h: Harness;
test.beforeAll(async () => {
  h = await startHarness();
});
test.afterAll(async () => h.close());

test('handshake, send, list, download and acknowledge over mutual TLS', async () => {
  const sender = h.client('X26ABC1');
  const receiver = h.client('X26ABC2');
  await sender.client.handshake();
  await receiver.client.handshake();
  const content = Buffer.from('hello MESH\n');
  const sent = await sender.client.send(
    {
      to: 'x26abc2',
      workflowId: 'MESH_ASSURE_TEST',
      subject: 'subj',
      localId: 'L-1',
      fileName: 'f.txt',
      checksum: 'sha256:abc',
      contentType: 'text/plain',
      encrypted: true,
    },
    content,
  );
  expect(sent.messageId).toMatch(/^\d{20}_[0-9A-F]{6}$/);
  expect(sent.sha256).toBe(sha256(content));

  const tracked = await sender.client.track(sent.messageId);
  expect(tracked).toMatchObject({
    message_id: sent.messageId,
    status: 'accepted',
    recipient: 'X26ABC2',
    local_id: 'L-1',
  });

  const page = await receiver.client.listInbox();
  expect(page.messages).toContain(sent.messageId);
  expect(await receiver.client.count()).toBe(page.messages.length);

  const head = await receiver.client.head(sent.messageId);
  expect(head).toMatchObject({
    messageType: 'DATA',
    from: 'X26ABC1',
    to: 'X26ABC2',
    localId: 'L-1',
    fileName: 'f.txt',
    subject: 'subj',
    encrypted: true,
    chunk: { chunk: 1, total: 1 },
  });

  const { metadata, body } = await receiver.client.download(sent.messageId);
  expect(metadata.status).toMatchObject({ code: '00', success: true });
  expect(metadata.checksum).toBe('sha256:abc');
  expect(await readAll(body)).toEqual(content);
  await receiver.client.acknowledge(sent.messageId);
  expect((await receiver.client.listInbox()).messages).not.toContain(sent.messageId);
  expect((await sender.client.track(sent.messageId)).status).toBe('acknowledged');

  // Every request carried a different token and the v2 media type.
  const tokens = [...sender.log, ...receiver.log].map((e) => e.requestHeaders.authorization);
  expect(new Set(tokens).size).toBe(tokens.length);
  for (const e of [...sender.log, ...receiver.log]) {
    expect(e.requestHeaders.accept).toBe('application/vnd.mesh.v2+json');
    expect(e.requestHeaders['mex-clientversion']).toMatch(/^mesh-assure==\d+\.\d+\.\d+/);
  }
  const send = sender.log.find((e) => e.path.endsWith('/outbox'))!;
  expect(send).toMatchObject({ method: 'POST', status: 202, bytesSent: content.length, sentSha256: sha256(content) });
});

test('gzip on the wire both ways: sent compressed, received decoded with and without Accept-Encoding', async () => {
  const sender = h.client('X26ABC1');
  const receiver = h.client('X26ABC2');
  const content = Buffer.from('compressible '.repeat(2000));
  const sent = await sender.client.send(
    { to: 'X26ABC2', workflowId: 'MESH_ASSURE_TEST', gzip: true, compressed: true },
    content,
  );
  const send = sender.log.at(-1)!;
  expect(send.requestHeaders['content-encoding']).toBe('gzip');
  expect(send.bytesSent).toBeLessThan(content.length / 10);

  const gz = await receiver.client.download(sent.messageId);
  expect(await readAll(gz.body)).toEqual(content);
  expect(receiver.log.at(-1)!.responseHeaders['content-encoding']).toBe('gzip');
  expect(gz.metadata.compressed).toBe(true);

  const plain = await receiver.client.download(sent.messageId, { acceptGzip: false });
  expect(await readAll(plain.body)).toEqual(content);
  expect(receiver.log.at(-1)!.responseHeaders['content-encoding']).toBeUndefined();
  await receiver.client.acknowledge(sent.messageId);
});

for (const gzip of [false, true]) {
  test(`chunked send and receive, ${gzip ? 'each chunk gzipped' : 'plain'}, reassembled byte-identical`, async () => {
    const sender = h.client('X26ABC1');
    const receiver = h.client('X26ABC2');
    const content = patternBytes(250_000, gzip ? 7 : 3);
    const file = join(mkdtempSync(join(tmpdir(), 'chunks-')), 'payload.bin');
    writeFileSync(file, content);
    const progress: number[] = [];
    const sent = await sender.client.sendChunked(
      { to: 'X26ABC2', workflowId: 'MESH_ASSURE_TEST', gzip, contentType: 'application/x-test' },
      fileSource(file),
      { chunkSize: 100_000, onProgress: (p) => progress.push(p.chunk) },
    );
    expect(sent).toMatchObject({ chunks: 3, bytes: content.length, sha256: sha256(content) });
    expect(progress).toEqual([1, 2, 3]);
    const posts = sender.log.filter((e) => e.method === 'POST');
    expect(
      posts.map((e) => [
        e.path.replace(sent.messageId, 'ID').replace(/^\/messageexchange\/X26ABC1/, ''),
        e.requestHeaders['mex-chunk-range'],
      ]),
    ).toEqual([
      ['/outbox', '1:3'],
      ['/outbox/ID/2', '2:3'],
      ['/outbox/ID/3', '3:3'],
    ]);
    for (const p of posts) expect(p.requestHeaders['content-encoding']).toBe(gzip ? 'gzip' : undefined);

    const { metadata, body } = await receiver.client.download(sent.messageId);
    expect(metadata.chunk).toEqual({ chunk: 1, total: 3 });
    expect(metadata.contentType).toBe('application/x-test');
    const received = await readAll(body);
    expect(sha256(received)).toBe(sha256(content));
    const gets = receiver.log.filter((e) => e.method === 'GET').slice(-3);
    expect(gets.map((e) => e.status)).toEqual([206, 206, 200]);

    const second = await receiver.client.downloadChunk(sent.messageId, 2);
    expect(second.metadata.chunk).toEqual({ chunk: 2, total: 3 });
    expect(await readAll(second.body)).toEqual(content.subarray(100_000, 200_000));
    await receiver.client.acknowledge(sent.messageId);
  });
}

test('a one-pass stream source is chunked without knowing more than its size', async () => {
  const sender = h.client('X26ABC1');
  const receiver = h.client('X26ABC2');
  const content = patternBytes(70_000, 11);
  const stream = new PassThrough();
  // Feed in odd-sized pieces so chunk boundaries fall inside them.
  setImmediate(() => {
    for (let i = 0; i < content.length; i += 7_777) stream.write(content.subarray(i, i + 7_777));
    stream.end();
  });
  const sent = await sender.client.sendChunked(
    { to: 'X26ABC2', workflowId: 'MESH_ASSURE_TEST' },
    streamSource(stream, content.length),
    { chunkSize: 30_000 },
  );
  expect(sent.chunks).toBe(3);
  const out = new PassThrough();
  const collected = readAll(out);
  const result = await receiver.client.downloadTo(sent.messageId, out);
  expect(await collected).toEqual(content);
  expect(result.sha256).toBe(sha256(content));
  await receiver.client.acknowledge(sent.messageId);
  expect(() => bufferSource('x').open(0, 1)).not.toThrow();
  const short = streamSource(Readable.from([Buffer.from('abc')]), 10);
  await expect(readAll(short.open(0, 10))).rejects.toThrow(/ended 7 bytes before its declared size of 10/);
});

test('the inbox pages past 500 by following links.next', async () => {
  const sender = h.client('X26ABC1', { concurrency: 4 });
  const receiver = h.client('X26ABC3');
  const ids = new Set<string>();
  const batch = Array.from({ length: 520 }, (_, i) => i);
  for (let i = 0; i < batch.length; i += 20) {
    const sent = await Promise.all(
      batch.slice(i, i + 20).map((n) => sender.client.send({ to: 'X26ABC3', workflowId: 'MESH_ASSURE_TEST' }, `m${n}`)),
    );
    for (const s of sent) ids.add(s.messageId);
  }
  const pages = [];
  for await (const page of receiver.client.inboxPages()) pages.push(page);
  expect(pages.map((p) => p.messages.length)).toEqual([500, 20]);
  expect(pages[0]!.links?.next).toBeTruthy();
  expect(pages[1]!.links?.next).toBeUndefined();
  expect(pages[0]!.approx_inbox_count).toBe(520);
  const listed = pages.flatMap((p) => p.messages);
  expect(new Set(listed)).toEqual(ids);
  const small = [];
  for await (const id of receiver.client.inboxMessageIds({ maxResults: 100 })) small.push(id);
  expect(small).toEqual(listed);
  await h.admin('POST', '/reset/X26ABC3');
});
