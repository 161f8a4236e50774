/** mesh-api-notes 12.4 and 12.5: downloading, HEAD, gzip negotiation, paging, filters and acknowledgement. */
import { gunzipSync, gzipSync } from 'node:zlib';
import { call, detail, DORMANT, expect, inbox, PEER, send, SUT, test, WORKFLOW } from './helpers.ts';

const inboxUrl = `/messageexchange/${PEER}/inbox`;
const download = (sandbox: Parameters<typeof call>[0], id: string, extra: Parameters<typeof call>[2] = {}) =>
  call(sandbox, `${inboxUrl}/${id}`, { as: PEER, ...extra });

test('download: the bytes sent and every mex header; HEAD gives the same headers', async ({ sandbox }) => {
  const id = await send(sandbox, SUT, PEER, 'hello world', {
    'mex-localid': 'L1',
    'mex-subject': 'subj',
    'mex-filename': 'f.txt',
    'mex-content-checksum': 'md5:abc',
    'content-type': 'text/plain',
    'mex-content-encrypted': 'Y',
  });
  const reply = await download(sandbox, id);
  expect(reply.status).toBe(200);
  expect(reply.text).toBe('hello world');
  expect(reply.headers).toMatchObject({
    'mex-messagetype': 'DATA',
    'mex-messageid': id,
    'mex-from': SUT,
    'mex-to': PEER,
    'mex-workflowid': WORKFLOW,
    'mex-localid': 'L1',
    'mex-filename': 'f.txt',
    'mex-subject': 'subj',
    'mex-chunk-range': '1:1',
    'mex-statuscode': '00',
    'mex-statusevent': 'TRANSFER',
    'mex-statussuccess': 'SUCCESS',
    'mex-content-checksum': 'md5:abc',
    'mex-content-encrypted': 'Y',
    'mex-content-compressed': 'N',
    'content-length': '11',
    'content-type': 'text/plain',
  });
  expect(reply.headers['mex-statustimestamp']).toMatch(/^\d{14}$/);
  const head = await download(sandbox, id, { method: 'HEAD' });
  expect(head.status).toBe(200);
  expect(head.body.length).toBe(0);
  const mex = (h: Record<string, string>) =>
    Object.fromEntries(Object.entries(h).filter(([k]) => k.startsWith('mex-')));
  expect(mex(head.headers)).toEqual(mex(reply.headers));
  expect((await download(sandbox, id, { accept: 'v1' })).headers['content-type']).toBe('application/octet-stream');
});

test('three chunks: 206, 206, 200 with their ranges; /1 is the bare path; /4 is 404, /0 is 400', async ({
  sandbox,
}) => {
  const outbox = `/messageexchange/${SUT}/outbox`;
  const first = await call(sandbox, outbox, {
    method: 'POST',
    as: SUT,
    headers: { 'mex-to': PEER, 'mex-workflowid': WORKFLOW, 'mex-chunk-range': '1:3' },
    body: 'aaa',
  });
  const id = first.json<{ message_id: string }>().message_id;
  for (const [n, body] of [
    [2, 'bbb'],
    [3, 'ccc'],
  ] as const) {
    await call(sandbox, `${outbox}/${id}/${n}`, {
      method: 'POST',
      as: SUT,
      headers: { 'mex-chunk-range': `${n}:3` },
      body,
    });
  }
  const one = await download(sandbox, id);
  expect([one.status, one.headers['mex-chunk-range'], one.text]).toEqual([206, '1:3', 'aaa']);
  const oneAgain = await download(sandbox, `${id}/1`);
  expect([oneAgain.status, oneAgain.text]).toEqual([206, 'aaa']);
  const two = await download(sandbox, `${id}/2`);
  expect([two.status, two.headers['mex-chunk-range'], two.text]).toEqual([206, '2:3', 'bbb']);
  const three = await download(sandbox, `${id}/3`);
  expect([three.status, three.headers['mex-chunk-range'], three.text]).toEqual([200, '3:3', 'ccc']);
  const four = await download(sandbox, `${id}/4`);
  expect([four.status, detail(four)]).toEqual([404, { event: 'RECEIVE', code: '20', msg: 'Message does not exist' }]);
  expect((await download(sandbox, `${id}/0`)).status).toBe(400);
});

test('gzip negotiation: unpacked for clients without gzip, passed through or packed for those with it', async ({
  sandbox,
}) => {
  const stored = await send(sandbox, SUT, PEER, gzipSync('packed text'), { 'content-encoding': 'gzip' });
  const plainClient = await download(sandbox, stored);
  expect([plainClient.text, plainClient.headers['content-encoding']]).toEqual(['packed text', undefined]);
  const gzipClient = await download(sandbox, stored, { headers: { 'accept-encoding': 'gzip' } });
  expect(gzipClient.headers['content-encoding']).toBe('gzip');
  expect(gunzipSync(gzipClient.body).toString()).toBe('packed text');
  expect(gzipClient.headers['content-length']).toBe(String(gzipClient.body.length));
  // The sender did not flag the payload itself as compressed: the flag is echoed, not derived from transport.
  expect(gzipClient.headers['mex-content-compressed']).toBe('N');

  const plain = await send(sandbox, SUT, PEER, 'plain text', { 'mex-content-compressed': 'Y' });
  const onTheFly = await download(sandbox, plain, { headers: { 'accept-encoding': 'gzip, deflate' } });
  expect(onTheFly.headers['content-encoding']).toBe('gzip');
  expect(onTheFly.headers['mex-content-compressed']).toBe('Y');
  expect(gunzipSync(onTheFly.body).toString()).toBe('plain text');
  const v1 = await download(sandbox, plain, { accept: 'v1', headers: { 'accept-encoding': 'gzip' } });
  expect([v1.text, v1.headers['content-encoding']]).toEqual(['plain text', undefined]);
});

test('download errors: unknown 404, another mailbox 403', async ({ sandbox }) => {
  const unknown = await download(sandbox, '20200101000000000000_ABCDEF');
  expect([unknown.status, detail(unknown)]).toEqual([
    404,
    { event: 'RECEIVE', code: '20', msg: 'Message does not exist' },
  ]);
  const id = await send(sandbox, SUT, PEER, 'x');
  expect((await call(sandbox, `/messageexchange/${DORMANT}/inbox/${id}`, { as: DORMANT })).status).toBe(403);
  expect((await call(sandbox, `/messageexchange/${SUT}/inbox/${id}`, { as: SUT })).status).toBe(403);
  expect((await call(sandbox, `/messageexchange/${DORMANT}/inbox/${id}`, { as: DORMANT, method: 'HEAD' })).status).toBe(
    404,
  );
});

test('600 messages: pages of 500 then 100 via links.next (v2) and continue_from (v1), in delivery order', async ({
  sandbox,
}) => {
  const ids: string[] = [];
  for (let i = 0; i < 600; i++) ids.push(await send(sandbox, SUT, PEER, `m${i}`));
  const page1 = await call(sandbox, inboxUrl, { as: PEER });
  const body1 = page1.json<{
    messages: string[];
    links: { self: string; next?: string };
    approx_inbox_count: number;
  }>();
  expect(body1.messages).toEqual(ids.slice(0, 500));
  expect(body1.approx_inbox_count).toBe(600);
  expect(body1.links.self).toBe(inboxUrl);
  const page2 = await call(sandbox, body1.links.next!, { as: PEER });
  const body2 = page2.json<{ messages: string[]; links: { next?: string } }>();
  expect(body2.messages).toEqual(ids.slice(500));
  expect(body2.links.next).toBeUndefined();
  const v1 = await call(sandbox, `${inboxUrl}?continue_from=${ids[499]}`, { as: PEER, accept: 'v1' });
  expect(v1.json()).toEqual({ messages: ids.slice(500) });
  const small = await call(sandbox, `${inboxUrl}?max_results=10`, { as: PEER });
  expect(small.json<{ links: { self: string; next: string } }>().links.self).toBe(`${inboxUrl}?max_results=10`);
  for (const bad of ['9', '5001', 'ten'])
    expect((await call(sandbox, `${inboxUrl}?max_results=${bad}`, { as: PEER })).status, bad).toBe(400);
  expect((await call(sandbox, `${inboxUrl}?continue_from=${'x'.repeat(30)}`, { as: PEER })).status).toBe(400);
});

test('workflow_filter with each of its six operators', async ({ sandbox }) => {
  const ids: Record<string, string> = {};
  for (const wf of ['ALPHA_ONE', 'ALPHA_ACK', 'BETA_ONE'])
    ids[wf] = await send(sandbox, SUT, PEER, wf, { 'mex-workflowid': wf });
  const filtered = async (filter: string) =>
    (await inbox(sandbox, PEER, `?workflow_filter=${encodeURIComponent(filter)}`)).map((id) =>
      Object.keys(ids).find((k) => ids[k] === id),
    );
  expect(await filtered('ALPHA_ONE')).toEqual(['ALPHA_ONE']);
  expect(await filtered('!ALPHA_ONE')).toEqual(['ALPHA_ACK', 'BETA_ONE']);
  expect(await filtered('ALPHA*')).toEqual(['ALPHA_ONE', 'ALPHA_ACK']);
  expect(await filtered('!ALPHA*')).toEqual(['BETA_ONE']);
  expect(await filtered('*_ONE*')).toEqual(['ALPHA_ONE', 'BETA_ONE']);
  expect(await filtered('!*_ACK*')).toEqual(['ALPHA_ONE', 'BETA_ONE']);
  expect((await call(sandbox, `${inboxUrl}?workflow_filter=A`, { as: PEER })).status).toBe(400);
});

test('acknowledge: 200, idempotent, leaves the inbox; a download afterwards is 410', async ({ sandbox }) => {
  const id = await send(sandbox, SUT, PEER, 'x');
  const other = await send(sandbox, SUT, PEER, 'y');
  const ackUrl = `${inboxUrl}/${id}/status/acknowledged`;
  const v2 = await call(sandbox, ackUrl, {
    method: 'PUT',
    as: PEER,
    headers: { 'content-type': 'application/octet-stream' },
    body: JSON.stringify({ messageId: id }),
  });
  expect([v2.status, v2.text]).toEqual([200, '']);
  expect((await call(sandbox, ackUrl, { method: 'PUT', as: PEER, accept: 'v1' })).json()).toEqual({ messageId: id });
  const list = await call(sandbox, inboxUrl, { as: PEER });
  expect(list.json()).toMatchObject({ messages: [other], approx_inbox_count: 1 });
  expect(
    (await call(sandbox, `/messageexchange/${SUT}/outbox/tracking?messageID=${id}`, { as: SUT })).json(),
  ).toMatchObject({ status: 'acknowledged' });
  const v1Tracking = await call(sandbox, `/messageexchange/${SUT}/outbox/tracking?messageID=${id}`, {
    as: SUT,
    accept: 'v1',
  });
  expect(v1Tracking.json()).toMatchObject({
    status: 'Acknowledged',
    downloadTimestamp: expect.stringMatching(/^\d{14}$/),
  });
  expect(
    (await call(sandbox, `${inboxUrl}/20200101000000000000_ABCDEF/status/acknowledged`, { method: 'PUT', as: PEER }))
      .status,
  ).toBe(404);
  expect(
    (
      await call(sandbox, `/messageexchange/${DORMANT}/inbox/${other}/status/acknowledged`, {
        method: 'PUT',
        as: DORMANT,
      })
    ).status,
  ).toBe(403);
  const gone = await download(sandbox, id);
  expect([gone.status, detail(gone).msg]).toEqual([410, 'Message no longer available for download']);
  expect((await download(sandbox, id, { method: 'HEAD' })).status).toBe(410);
});

test.describe('download after acknowledge relaxed', () => {
  test.use({ sandboxOptions: { relax: { downloadAfterAck: true } } });
  test('an acknowledged message is served again, like the official sandbox', async ({ sandbox }) => {
    const id = await send(sandbox, SUT, PEER, 'again');
    await call(sandbox, `${inboxUrl}/${id}/status/acknowledged`, { method: 'PUT', as: PEER });
    expect((await download(sandbox, id)).text).toBe('again');
  });
});
