/**
 * A MESH client's real exchanges with the sandbox as Allure HTTP Exchange attachments: the request and
 * response with their headers, the authorization header without its HMAC but with nonce, count and
 * timestamp, and each payload as its size and SHA-256 only.
 */
import { createHash } from 'node:crypto';
import { expect, test } from '@playwright/test';
import type { HttpExchange } from 'allure-js-commons';
import { HTTP_EXCHANGE_CONTENT_TYPE, httpExchangeAttachment } from '../../../src/evidence/http-exchange.ts';
import { MeshClient, type Exchange } from '../../../src/mesh/index.ts';
import { startSandbox } from '../../../src/sandbox/index.ts';

test('a send and a download become HTTP exchanges with the HMAC gone and the payload as size and digest', async () => {
  const sandbox = await startSandbox();
  const exchanges: Exchange[] = [];
  const client = (mailboxId: string) =>
    new MeshClient({
      baseUrl: sandbox.baseUrl,
      mailboxId,
      password: 'password',
      sharedKey: 'TestKey',
      onExchange: (e) => exchanges.push(e),
    });
  const [sender, receiver] = [client('X26ABC1'), client('X26ABC2')];
  const payload = 'a payload that must never be attached\n';
  try {
    const { messageId } = await sender.send({ to: 'X26ABC2', workflowId: 'MESH_ASSURE_TEST' }, payload);
    await receiver.download(messageId);
  } finally {
    await Promise.all([sender.close(), receiver.close(), sandbox.close()]);
  }
  const digest = createHash('sha256').update(payload).digest('hex');
  const attachments = exchanges.map((e) => httpExchangeAttachment(e));
  const [sendName, sent] = attachments.find(([name]) => name.startsWith('POST /messageexchange/X26ABC1/outbox'))!;
  expect(sendName).toBe('POST /messageexchange/X26ABC1/outbox → 202');
  expect(sent.contentType).toBe(HTTP_EXCHANGE_CONTENT_TYPE);
  const send = JSON.parse(sent.body) as HttpExchange;
  expect(send).toMatchObject({
    schemaVersion: 1,
    request: { method: 'POST', url: '/messageexchange/X26ABC1/outbox' },
    response: { status: 202 },
  });
  const authorization = send.request.headers!.find((h) => h.name === 'authorization')!.value;
  expect(authorization).toMatch(/^NHSMESH X26ABC1:[0-9a-f-]{36}:\d+:\d{12}:<redacted>$/);
  expect(send.request.headers).toContainEqual({ name: 'mex-to', value: 'X26ABC2' });
  expect(send.request.body).toEqual({
    contentType: 'application/octet-stream',
    size: payload.length,
    truncated: true,
    encoding: 'utf8',
    value: `${payload.length} bytes on the wire, not attached; SHA-256 ${digest}`,
  });
  expect(send.stop! - send.start!).toBeGreaterThanOrEqual(0);
  const download = JSON.parse(
    attachments.find(([name]) => / \/messageexchange\/X26ABC2\/inbox\/\S+ → 200/.test(name))![1].body,
  ) as HttpExchange;
  // The sandbox gzips it on the way down: the digest is of the bytes that crossed the wire.
  expect(download.response!.body!.value).toMatch(/^\d+ bytes on the wire, not attached; SHA-256 [0-9a-f]{64}$/);
  for (const [, { body }] of attachments) {
    expect(body).not.toContain('a payload that must never be attached');
    expect(body).not.toMatch(/NHSMESH [^"]*:[0-9a-f]{64}/);
  }
});
