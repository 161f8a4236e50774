/** mesh-api-notes 12.2 and 12.3: sending whole and chunked messages, and every send error in order. */
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { request } from 'undici';
import { call, detail, DORMANT, expect, inbox, PEER, send, SUT, test, tokenFor, WORKFLOW } from './helpers.ts';

const outbox = `/messageexchange/${SUT}/outbox`;
const base = { 'mex-to': PEER, 'mex-workflowid': WORKFLOW };
const post = (
  sandbox: Parameters<typeof call>[0],
  headers: Record<string, string>,
  body: string | Buffer = 'hello world',
  accept = 'v2',
) => call(sandbox, outbox, { method: 'POST', as: SUT, headers, body, accept });

test('a single-chunk send is 202 with the id, listed, counted and tracked', async ({ sandbox }) => {
  const headers = {
    ...base,
    'mex-localid': 'L1',
    'mex-subject': 'subj',
    'mex-filename': 'f.txt',
    'mex-content-checksum': 'md5:abc',
    'content-type': 'text/plain',
    'mex-content-encrypted': 'Y',
  };
  const v2 = await post(sandbox, headers);
  expect(v2.status).toBe(202);
  expect(v2.headers['content-type']).toBe('application/vnd.mesh.v2+json');
  const id = v2.json<{ message_id: string }>().message_id;
  expect(id).toMatch(/^\d{20}_[0-9A-F]{6}$/);
  const v1 = await post(sandbox, headers, 'hello', 'v1');
  expect(Object.keys(v1.json())).toEqual(['messageID']);

  const list = await call(sandbox, `/messageexchange/${PEER}/inbox`, { as: PEER });
  expect(list.json()).toMatchObject({ messages: [id, v1.json().messageID], approx_inbox_count: 2 });
  expect((await call(sandbox, `/messageexchange/${PEER}/count`, { as: PEER })).json()).toEqual({ count: 2 });
  expect((await call(sandbox, `/messageexchange/${PEER}/count`, { as: PEER, accept: 'v1' })).json()).toMatchObject({
    count: 2,
    allResultsIncluded: true,
  });

  const tracking = await call(sandbox, `${outbox}/tracking?messageID=${id}`, { as: SUT });
  expect(tracking.status).toBe(200);
  expect(tracking.json()).toMatchObject({
    message_id: id,
    status: 'accepted',
    recipient: PEER,
    local_id: 'L1',
    filename: 'f.txt',
    status_success: true,
  });
  expect((await call(sandbox, `${outbox}/tracking?messageID=${id}`, { as: SUT, accept: 'v1' })).json()).toMatchObject({
    status: 'Accepted',
    messageId: id,
  });
  expect((await call(sandbox, `/messageexchange/${PEER}/outbox/tracking?messageID=${id}`, { as: PEER })).status).toBe(
    404,
  );
  expect((await call(sandbox, `${outbox}/tracking`, { as: SUT })).status).toBe(400);

  const byLocal = await call(sandbox, `${outbox}/tracking/L1`, { as: SUT });
  expect(byLocal.status).toBe(300); // two messages carry L1
  const only = await send(sandbox, SUT, PEER, 'x', { 'mex-localid': 'L2' });
  expect((await call(sandbox, `${outbox}/tracking/L2`, { as: SUT })).json()).toMatchObject({
    messageId: only,
    status: 'Accepted',
  });
  expect((await call(sandbox, `${outbox}/tracking/NONE`, { as: SUT })).status).toBe(404);
});

test('send errors: status, event, code and text of each', async ({ sandbox }) => {
  const missingTo = await post(sandbox, { 'mex-workflowid': WORKFLOW });
  expect(missingTo.status).toBe(400);
  expect(missingTo.json<{ detail: { loc: string[] }[] }>().detail[0]!.loc).toEqual(['header', 'mex-to']);
  expect((await post(sandbox, { 'mex-to': PEER })).status).toBe(400);
  const blank = await post(sandbox, { ...base, 'mex-to': ' ' });
  expect([blank.status, detail(blank).code]).toEqual([400, '08']);
  const unknown = await post(sandbox, { ...base, 'mex-to': 'NOSUCH' });
  expect([unknown.status, detail(unknown)]).toEqual([
    417,
    { event: 'SEND', code: '12', msg: 'Unregistered to address' },
  ]);
  const empty = await post(sandbox, base, '');
  expect([empty.status, detail(empty).event, detail(empty).code]).toEqual([417, 'COLLECT', '02']);
  const br = await post(sandbox, { ...base, 'content-encoding': 'br' });
  expect([br.status, detail(br).code]).toEqual([422, 'UnsupportedContentEncoding']);
  for (const headers of [
    { ...base, 'mex-subject': 'a\tb' },
    { ...base, 'mex-to': 'https://x' },
  ]) {
    const malformed = await post(sandbox, headers);
    expect([malformed.status, detail(malformed).event, detail(malformed).code]).toEqual([400, 'TRANSFER', '06']);
  }
  for (const bad of ['abc`', 'abc#']) {
    const checksum = await post(sandbox, { ...base, 'mex-content-checksum': bad });
    expect([checksum.status, detail(checksum).code]).toEqual([400, 'Invalid checksum']);
  }
  for (const good of ['sha256:abc', 'sha256 - abc', 'sha256/abc', ''])
    expect((await post(sandbox, { ...base, 'mex-content-checksum': good })).status).toBe(202);
  for (const [name, max] of [
    ['mex-localid', 300],
    ['mex-subject', 500],
    ['mex-to', 100],
  ] as const) {
    const long = await post(sandbox, { ...base, [name]: 'A'.repeat(max + 1) });
    expect(long.status, name).toBe(400);
    expect(long.json<{ detail: { loc: string[]; type: string }[] }>().detail[0]).toMatchObject({
      loc: ['header', name],
      type: 'string_too_long',
    });
  }
  for (const range of ['2:3', '1-3', 'a:b', '0:0', '3:2']) {
    const bad = await post(sandbox, { ...base, 'mex-chunk-range': range });
    expect([bad.status, detail(bad).code], range).toEqual([417, 'InvalidHeaderChunks']);
  }
  expect((await post(sandbox, { ...base, 'mex-chunk-range': '1:1' })).status).toBe(202);
  // Flags of any value are accepted; legacy and unknown headers are ignored.
  expect(
    (
      await post(sandbox, {
        ...base,
        'mex-content-compressed': 'N/A',
        'mex-content-compress': 'Y',
        'mex-from': 'X26ABC3',
      })
    ).status,
  ).toBe(202);
});

test('errors come in the order the service evaluates them', async ({ sandbox }) => {
  // Malformed (06) beats a bad Accept, which beats validation, which beats 08, 422, 417.
  const both = await call(sandbox, outbox, {
    method: 'POST',
    as: SUT,
    accept: 'application/vnd.mesh.v2+xml',
    headers: { ...base, 'mex-workflowid': 'http://x' },
    body: 'x',
  });
  expect([both.status, both.json().errorCode]).toEqual([400, '06']);
  const acceptThenValidation = await call(sandbox, outbox, {
    method: 'POST',
    as: SUT,
    accept: 'application/vnd.mesh.v2+xml',
    headers: { 'mex-to': PEER },
    body: 'x',
  });
  expect(acceptThenValidation.json()).toEqual({
    errorEvent: '',
    errorCode: '',
    errorDescription: 'Accept header api format incorrect',
  });
  const encodingBeforeRange = await post(sandbox, { ...base, 'content-encoding': 'br', 'mex-chunk-range': '2:3' });
  expect(encodingBeforeRange.status).toBe(422);
  const rangeBeforeRecipient = await post(sandbox, { ...base, 'mex-to': 'NOSUCH', 'mex-chunk-range': '2:3' });
  expect(detail(rangeBeforeRecipient).code).toBe('InvalidHeaderChunks');
  const recipientBeforeEmpty = await post(sandbox, { ...base, 'mex-to': 'NOSUCH' }, '');
  expect(detail(recipientBeforeEmpty).code).toBe('12');
});

test('chunked send: uploading until the last chunk, then accepted; chunk errors', async ({ sandbox }) => {
  const parts = ['one ', 'two ', 'three'].map((p) => gzipSync(p));
  const first = await post(sandbox, { ...base, 'mex-chunk-range': '1:3', 'content-encoding': 'gzip' }, parts[0]);
  expect(first.status).toBe(202);
  const id = first.json<{ message_id: string }>().message_id;
  const chunkUrl = (n: number) => `${outbox}/${id}/${n}`;
  const chunk = (
    n: number,
    headers: Record<string, string>,
    body: Buffer | string = parts[n - 1] ?? 'x',
    as = SUT,
    accept = 'v2',
  ) => call(sandbox, chunkUrl(n), { method: 'POST', as, headers, body, accept });

  expect((await call(sandbox, `${outbox}/tracking?messageID=${id}`, { as: SUT })).json()).toMatchObject({
    status: 'uploading',
  });
  expect(await inbox(sandbox, PEER)).toEqual([]);
  expect((await call(sandbox, `/messageexchange/${PEER}/inbox/${id}`, { as: PEER })).status).toBe(410);
  expect((await call(sandbox, `/messageexchange/${PEER}/inbox/${id}`, { as: PEER, method: 'HEAD' })).status).toBe(410);
  // The sender may HEAD its own message in any status.
  expect((await call(sandbox, `/messageexchange/${SUT}/inbox/${id}`, { as: SUT, method: 'HEAD' })).status).toBe(200);

  const missingRange = await chunk(2, { 'content-encoding': 'gzip' });
  expect([missingRange.status, detail(missingRange).code, missingRange.json().message_id]).toEqual([
    417,
    'InvalidHeaderChunks',
    id,
  ]);
  const mismatch = await chunk(2, { 'content-encoding': 'gzip', 'mex-chunk-range': '3:3' });
  expect(mismatch.status).toBe(417);
  const encoding = await chunk(2, { 'mex-chunk-range': '2:3' });
  expect([encoding.status, detail(encoding).msg, encoding.json().message_id]).toEqual([
    417,
    'cannot change content encoding',
    id,
  ]);
  expect((await chunk(2, { 'content-encoding': 'gzip', 'mex-chunk-range': '2:3' }, parts[1], PEER)).status).toBe(403);
  expect(
    (
      await call(sandbox, `${outbox}/20200101000000000000_ABCDEF/2`, {
        method: 'POST',
        as: SUT,
        headers: { 'mex-chunk-range': '2:3' },
        body: 'x',
      })
    ).status,
  ).toBe(404);

  const second = await chunk(2, { 'content-encoding': 'gzip', 'mex-chunk-range': '2:3' }, parts[1], SUT, 'v1');
  expect([second.status, second.json()]).toEqual([202, { messageID: id, blockID: 2 }]);
  expect(await inbox(sandbox, PEER)).toEqual([]);
  const third = await chunk(3, { 'content-encoding': 'gzip', 'mex-chunk-range': '3:3' });
  expect([third.status, third.json()]).toEqual([202, { message_id: id }]);
  expect(await inbox(sandbox, PEER)).toEqual([id]);
  expect((await call(sandbox, `${outbox}/tracking?messageID=${id}`, { as: SUT })).json()).toMatchObject({
    status: 'accepted',
  });

  const again = await chunk(3, { 'content-encoding': 'gzip', 'mex-chunk-range': '3:3' });
  expect([again.status, again.json()]).toEqual([
    423,
    { message: 'An internal error occurred.\n\nPlease contact support.' },
  ]);
  const beyond = await call(sandbox, outbox, {
    method: 'POST',
    as: SUT,
    headers: { ...base, 'mex-chunk-range': '1:2' },
    body: 'a',
  });
  const beyondId = beyond.json<{ message_id: string }>().message_id;
  expect(
    (
      await call(sandbox, `${outbox}/${beyondId}/3`, {
        method: 'POST',
        as: SUT,
        headers: { 'mex-chunk-range': '3:3' },
        body: 'x',
      })
    ).status,
  ).toBe(406);
  expect(
    (
      await call(sandbox, `${outbox}/${beyondId}/x`, {
        method: 'POST',
        as: SUT,
        headers: { 'mex-chunk-range': '2:2' },
        body: 'x',
      })
    ).status,
  ).toBe(400);
});

test('chunks may arrive out of order: delivered when the last missing one lands', async ({ sandbox }) => {
  const first = await post(sandbox, { ...base, 'mex-chunk-range': '1:3' }, 'a');
  const id = first.json<{ message_id: string }>().message_id;
  const chunk = (n: number) =>
    call(sandbox, `${outbox}/${id}/${n}`, {
      method: 'POST',
      as: SUT,
      headers: { 'mex-chunk-range': `${n}:3` },
      body: String(n),
    });
  expect((await chunk(3)).status).toBe(202);
  expect(await inbox(sandbox, PEER)).toEqual([]);
  expect((await chunk(2)).status).toBe(202);
  expect(await inbox(sandbox, PEER)).toEqual([id]);
});

test('a gzip-labelled body that is not gzip is refused at the door', async ({ sandbox }) => {
  const reply = await post(sandbox, { ...base, 'content-encoding': 'gzip' }, 'not gzip at all');
  expect(reply.status).toBe(400);
  expect(detail(reply).msg).toMatch(/not a valid gzip stream/);
  expect(await inbox(sandbox, PEER)).toEqual([]);
});

test('configured workflows restrict senders (417/16) and receivers (417/17); others are open', async ({ sandbox }) => {
  // TEST_WORKFLOW: X26ABC1 may send, only X26ABC2 may receive.
  const sender = await call(sandbox, `/messageexchange/${PEER}/outbox`, {
    method: 'POST',
    as: PEER,
    headers: { 'mex-to': PEER, 'mex-workflowid': 'TEST_WORKFLOW' },
    body: 'x',
  });
  expect([sender.status, detail(sender).code]).toEqual([417, '16']);
  const receiver = await post(sandbox, { 'mex-to': DORMANT, 'mex-workflowid': 'TEST_WORKFLOW' });
  expect([receiver.status, detail(receiver)]).toEqual([
    417,
    { event: 'SEND', code: '17', msg: 'Workflow ID not registered for mailbox' },
  ]);
  expect((await post(sandbox, { 'mex-to': PEER, 'mex-workflowid': 'TEST_WORKFLOW' })).status).toBe(202);
  expect((await post(sandbox, { 'mex-to': DORMANT, 'mex-workflowid': 'ANY_UNLISTED_WORKFLOW' })).status).toBe(202);
});

test.describe('workflow permissions relaxed', () => {
  test.use({ sandboxOptions: { relax: { workflowPermissions: true } } });
  test('any mailbox may send any workflow', async ({ sandbox }) => {
    expect((await post(sandbox, { 'mex-to': DORMANT, 'mex-workflowid': 'TEST_WORKFLOW' })).status).toBe(202);
  });
});

test.describe('size limit', () => {
  test.use({ sandboxOptions: { maxRequestBytes: 1000 } });
  test('a body over the per-request limit is 413 with a MESH error, declared or streamed', async ({ sandbox }) => {
    const declared = await post(sandbox, base, 'x'.repeat(1001));
    expect(declared.status).toBe(413);
    expect(detail(declared).msg).toMatch(/at most 1000 bytes/);
    expect(declared.headers.connection).toBe('close');
    async function* streamed() {
      for (let i = 0; i < 5; i++) yield Buffer.alloc(400, 1);
    }
    const chunked = await request(`${sandbox.baseUrl}${outbox}`, {
      method: 'POST',
      headers: { ...base, authorization: tokenFor(sandbox, SUT), accept: 'application/vnd.mesh.v2+json' },
      body: Readable.from(streamed()),
    }).catch((error: Error) => error);
    if (!(chunked instanceof Error)) expect(chunked.statusCode).toBe(413);
    expect(await inbox(sandbox, PEER)).toEqual([]);
    expect((await post(sandbox, base, 'x'.repeat(1000))).status).toBe(202);
  });
});
