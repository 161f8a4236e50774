/**
 * Interop with NHS's own JavaScript client, npm `nhs-mesh-client` 1.0.9: handshake, send (plain, gzip,
 * chunked), list, download and acknowledge against the sandbox over TLS verified with the sandbox CA.
 * That client decodes downloads as text (or JSON) and sends a gzip payload as JSON text, so text payloads are used.
 */
import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { getMessageCount, handShake, markAsRead, readMessage, sendChunkedMessage, sendMessage } from 'nhs-mesh-client';
import { expect, PEER, SUT, test } from './helpers.ts';

test.use({ sandboxOptions: { tls: 'tls' } });

test('nhs-mesh-client 1.0.9 runs its whole conversation against the sandbox', async ({ sandbox }) => {
  const agent = new Agent({ ca: readFileSync(sandbox.tls!.caCertPath) });
  const as = (mailboxID: string) => ({
    url: sandbox.baseUrl,
    mailboxID,
    mailboxPassword: 'password',
    sharedKey: sandbox.sharedKey,
    agent,
  });

  expect((await handShake(as(SUT))).status).toBe(200);
  const plain = await sendMessage({ ...as(SUT), message: 'This is a test message', mailboxTarget: PEER });
  expect(plain.status).toBe(202);
  const gzipped = await sendMessage({ ...as(SUT), message: 'compressed text', mailboxTarget: PEER, compressed: true });
  expect(gzipped.status).toBe(202);
  const big = Buffer.from('0123456789abcdef\n'.repeat(700_000)); // 11.9 MB: two 10 MiB chunks, each gzipped
  const chunked = await sendChunkedMessage({ ...as(SUT), mailboxTarget: PEER, fileContent: big });
  expect(chunked.status).toBe(202);

  expect((await handShake(as(PEER))).status).toBe(200);
  const list = await getMessageCount(as(PEER));
  expect(list.status).toBe(200);
  const ids: string[] = list.data.messages;
  expect(ids).toEqual([plain.data.message_id, gzipped.data.message_id, chunked.data.message_id]);
  expect(list.data.approx_inbox_count).toBe(3);

  const texts = [];
  for (const id of ids) {
    const message = await readMessage({ ...as(PEER), messageID: id });
    expect([200, 206]).toContain(message.status);
    texts.push(message.data);
    expect((await markAsRead({ ...as(PEER), message: id })).status).toBe(200);
  }
  expect(texts[0]).toBe('This is a test message');
  expect(texts[1]).toBe('compressed text'); // sent as JSON text in gzip; axios parses the quotes away again
  expect(texts[2]).toBe(big.toString());
  expect((await getMessageCount(as(PEER))).data.messages).toEqual([]);
  agent.destroy();
});
