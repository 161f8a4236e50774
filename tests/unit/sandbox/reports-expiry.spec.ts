/** mesh-api-notes 12.6 and 7.3: reports, injected events, and expiry driven by the sandbox clock. */
import { PassThrough } from 'node:stream';
import { request } from 'undici';
import { MEDIA_V2 } from '../../../src/protocol/index.ts';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox/index.ts';
import { call, detail, expect, inbox, PEER, send, SUT, test, tokenFor, WORKFLOW } from './helpers.ts';

const DAY = 24 * 3600_000;
const json = (body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

test('an injected report lands in the inbox with the report headers and an empty body', async ({ sandbox }) => {
  const original = await send(sandbox, SUT, PEER, 'x');
  const injected = await call(
    sandbox,
    '/messageexchange/admin/report',
    json({
      mailbox_id: SUT,
      status: 'error',
      code: '14',
      description: 'Message not collected by recipient after 5 days',
      workflow_id: 'TEST_WORKFLOW',
      linked_message_id: original,
      local_id: 'L1',
      subject: 'S',
      file_name: 'F',
      event: 'SEND',
    }),
  );
  expect(injected.status).toBe(200);
  const reportId = injected.json<{ message_id: string }>().message_id;
  expect(await inbox(sandbox, SUT)).toEqual([reportId]);
  const reply = await call(sandbox, `/messageexchange/${SUT}/inbox/${reportId}`, { as: SUT });
  expect([reply.status, reply.text, reply.headers['content-length']]).toEqual([200, '', '0']);
  expect(reply.headers).toMatchObject({
    'mex-messagetype': 'REPORT',
    'mex-statussuccess': 'ERROR',
    'mex-statuscode': '14',
    'mex-statusevent': 'SEND',
    'mex-statusdescription': 'Message not collected by recipient after 5 days',
    'mex-linkedmsgid': original,
    'mex-localid': 'L1',
    'mex-workflowid': 'TEST_WORKFLOW',
    'mex-filename': 'F',
    'mex-chunk-range': '1:1',
  });
  expect(reply.headers['mex-from']).toBeUndefined();
  await call(sandbox, `/messageexchange/${SUT}/inbox/${reportId}/status/acknowledged`, { method: 'PUT', as: SUT });
  expect(await inbox(sandbox, SUT)).toEqual([]);
  const missing = await call(sandbox, '/admin/report', json({ mailbox_id: SUT }));
  expect(missing.status).toBe(400);
  expect(
    (
      await call(
        sandbox,
        '/admin/report',
        json({ mailbox_id: 'NOSUCH', code: '1', description: 'd', workflow_id: 'W' }),
      )
    ).status,
  ).toBe(404);
});

test('an error event makes the message gone for the recipient and failed in tracking; accepted puts it back', async ({
  sandbox,
}) => {
  const id = await send(sandbox, SUT, PEER, 'x');
  const event = await call(
    sandbox,
    `/messageexchange/admin/message/${id}/event`,
    json({ status: 'error', code: '14', event: 'SEND', description: 'not collected' }),
  );
  expect(event.status).toBe(200);
  expect((await call(sandbox, `/messageexchange/${PEER}/inbox/${id}`, { as: PEER })).status).toBe(410);
  const tracking = await call(sandbox, `/messageexchange/${SUT}/outbox/tracking?messageID=${id}`, { as: SUT });
  expect(tracking.json()).toMatchObject({
    status: 'error',
    status_success: false,
    status_code: '14',
    status_event: 'SEND',
  });
  const v1 = await call(sandbox, `/messageexchange/${SUT}/outbox/tracking?messageID=${id}`, { as: SUT, accept: 'v1' });
  expect(v1.json()).toMatchObject({
    statusSuccess: 'ERROR',
    failureDiagnostic: 'not collected',
    failureDate: expect.stringMatching(/^\d{14}$/),
  });
  await call(sandbox, `/admin/message/${id}/event`, json({ status: 'accepted' }));
  expect(await inbox(sandbox, PEER)).toEqual([id]);
  expect((await call(sandbox, `/admin/message/${id}/event`, json({ status: 'bogus' }))).status).toBe(400);
});

test('after expiryDays unacknowledged, the message expires and its sender gets a REPORT', async ({ sandbox }) => {
  const id = await send(sandbox, SUT, PEER, 'never collected', { 'mex-localid': 'LOC-9', 'mex-subject': 'subj' });
  const kept = await send(sandbox, SUT, PEER, 'collected');
  await call(sandbox, `/messageexchange/${PEER}/inbox/${kept}/status/acknowledged`, { method: 'PUT', as: PEER });
  sandbox.clock.advance(5 * DAY - 60_000);
  expect(await inbox(sandbox, PEER)).toEqual([id]);
  const advanced = await call(sandbox, '/admin/clock/advance', json({ seconds: 120 }));
  expect(advanced.json<{ offset_ms: number }>().offset_ms).toBe(5 * DAY + 60_000);

  expect(await inbox(sandbox, PEER)).toEqual([]);
  const gone = await call(sandbox, `/messageexchange/${PEER}/inbox/${id}`, { as: PEER });
  expect([gone.status, detail(gone).msg]).toEqual([410, 'Message no longer available for download']);
  const reports = await inbox(sandbox, SUT);
  expect(reports).toHaveLength(1);
  const report = await call(sandbox, `/messageexchange/${SUT}/inbox/${reports[0]}`, { as: SUT });
  expect([report.status, report.text]).toEqual([200, '']);
  expect(report.headers).toMatchObject({
    'mex-messagetype': 'REPORT',
    'mex-statuscode': '14',
    'mex-statusevent': 'SEND',
    'mex-statussuccess': 'ERROR',
    'mex-linkedmsgid': id,
    'mex-localid': 'LOC-9',
    'mex-workflowid': WORKFLOW,
    'mex-subject': 'subj',
    'mex-statusdescription': 'Message not collected by recipient after 5 days',
  });
  expect(
    (await call(sandbox, `/messageexchange/${SUT}/outbox/tracking?messageID=${id}`, { as: SUT })).json(),
  ).toMatchObject({ status: 'undeliverable', status_code: '14' });
  expect(
    (await call(sandbox, `/messageexchange/${SUT}/outbox/tracking?messageID=${kept}`, { as: SUT })).json(),
  ).toMatchObject({ status: 'acknowledged' });
});

test('expire now through the admin API', async ({ sandbox }) => {
  const id = await send(sandbox, SUT, PEER, 'x');
  const expired = await call(sandbox, `/admin/message/${id}/expire`, { method: 'POST' });
  expect(expired.status).toBe(200);
  const reportId = expired.json<{ report_message_id: string }>().report_message_id;
  expect(await inbox(sandbox, SUT)).toEqual([reportId]);
  expect((await call(sandbox, `/admin/message/${id}/expire`, { method: 'POST' })).status).toBe(409);
  expect((await call(sandbox, '/admin/clock')).json()).toMatchObject({ offset_ms: 0 });
});

test.describe('custom expiry', () => {
  test.use({ sandboxOptions: { expiryDays: 1 } });
  test('expiryDays sets the time and the report text', async ({ sandbox }) => {
    const id = await send(sandbox, SUT, PEER, 'x');
    sandbox.clock.advance(DAY);
    expect(await inbox(sandbox, PEER)).toEqual([]);
    const [reportId] = await inbox(sandbox, SUT);
    const report = await call(sandbox, `/messageexchange/${SUT}/inbox/${reportId}`, { as: SUT });
    expect(report.headers['mex-statusdescription']).toBe('Message not collected by recipient after 1 days');
    expect(report.headers['mex-linkedmsgid']).toBe(id);
  });
});

test.describe('expiry relaxed', () => {
  test.use({ sandboxOptions: { relax: { expiry: true } } });
  test('nothing expires', async ({ sandbox }) => {
    const id = await send(sandbox, SUT, PEER, 'x');
    sandbox.clock.advance(30 * DAY);
    expect(await inbox(sandbox, PEER)).toEqual([id]);
  });
});

test('30 days after delivery a message is deleted whatever its status, and so is an upload never finished', async ({
  sandbox,
}) => {
  const collected = await send(sandbox, SUT, PEER, 'collected');
  await call(sandbox, `/messageexchange/${PEER}/inbox/${collected}/status/acknowledged`, { method: 'PUT', as: PEER });
  const uncollected = await send(sandbox, SUT, PEER, 'never collected');
  const half = await call(sandbox, `/messageexchange/${SUT}/outbox`, {
    method: 'POST',
    as: SUT,
    headers: { 'mex-to': PEER, 'mex-workflowid': WORKFLOW, 'mex-chunk-range': '1:2' },
    body: 'first half',
  });
  const upload = half.json<{ message_id: string }>().message_id;
  const tracked = async (id: string) =>
    (await call(sandbox, `/messageexchange/${SUT}/outbox/tracking?messageID=${id}`, { as: SUT })).status;

  sandbox.clock.advance(30 * DAY - 60_000);
  const [report] = await inbox(sandbox, SUT); // the uncollected message expired: its report is delivered now
  expect(report).toBeDefined();
  expect([await tracked(collected), await tracked(uncollected), await tracked(upload)]).toEqual([200, 200, 200]);

  sandbox.clock.advance(120_000);
  expect([await tracked(collected), await tracked(uncollected), await tracked(upload)]).toEqual([404, 404, 404]);
  expect((await call(sandbox, `/messageexchange/${PEER}/inbox/${uncollected}`, { as: PEER })).status).toBe(404);
  const secondHalf = await call(sandbox, `/messageexchange/${SUT}/outbox/${upload}/2`, {
    method: 'POST',
    as: SUT,
    headers: { 'mex-chunk-range': '2:2' },
    body: 'second half',
  });
  expect(secondHalf.status).toBe(404);
  expect((await call(sandbox, `/admin/message/${collected}`)).status).toBe(404);
  // The report was delivered 30 days after the others: it has its own 30 days (and 5 to be collected).
  expect(await inbox(sandbox, SUT)).toEqual([report]);
});

test('a chunk still arriving when its message is deleted is refused, and the message stays deleted', async ({
  sandbox,
}) => {
  const first = await call(sandbox, `/messageexchange/${SUT}/outbox`, {
    method: 'POST',
    as: SUT,
    headers: { 'mex-to': PEER, 'mex-workflowid': WORKFLOW, 'mex-chunk-range': '1:2' },
    body: 'first half',
  });
  const upload = first.json<{ message_id: string }>().message_id;
  const tracked = async (target: RunningSandbox) =>
    (await call(target, `/messageexchange/${SUT}/outbox/tracking?messageID=${upload}`, { as: SUT })).status;
  const body = new PassThrough();
  const secondHalf = request(`${sandbox.baseUrl}/messageexchange/${SUT}/outbox/${upload}/2`, {
    method: 'POST',
    headers: { accept: MEDIA_V2, authorization: tokenFor(sandbox, SUT), 'mex-chunk-range': '2:2' },
    body,
  });
  body.write('second ');
  await new Promise((resolve) => setTimeout(resolve, 300)); // the sandbox is now reading the chunk's body
  sandbox.clock.advance(31 * DAY);
  expect(await tracked(sandbox)).toBe(404); // the upload began 31 days ago: deleted
  body.end('half');
  const answer = await secondHalf;
  await answer.body.dump();
  expect(answer.statusCode).toBe(404);
  expect(await tracked(sandbox)).toBe(404);
  // Nor does its log bring it back.
  await sandbox.close();
  const restarted = await startSandbox({ dataDir: sandbox.dataDir });
  try {
    expect(await tracked(restarted)).toBe(404);
  } finally {
    await restarted.close();
  }
});

test('a message the clock carries past both its expiry and its deletion at once still sends its report', async ({
  sandbox,
}) => {
  const id = await send(sandbox, SUT, PEER, 'never collected', { 'mex-localid': 'LOC-31' });
  sandbox.clock.advance(31 * DAY);
  expect((await call(sandbox, `/messageexchange/${PEER}/inbox/${id}`, { as: PEER })).status).toBe(404);
  const [reportId] = await inbox(sandbox, SUT);
  const report = await call(sandbox, `/messageexchange/${SUT}/inbox/${reportId}`, { as: SUT });
  expect(report.headers).toMatchObject({ 'mex-statuscode': '14', 'mex-linkedmsgid': id, 'mex-localid': 'LOC-31' });
});

test.describe('expiry longer than 30 days', () => {
  test.use({ sandboxOptions: { expiryDays: 40 } });
  test('a message is not deleted before it could expire', async ({ sandbox }) => {
    const id = await send(sandbox, SUT, PEER, 'x');
    sandbox.clock.advance(35 * DAY);
    expect(await inbox(sandbox, PEER)).toEqual([id]);
    sandbox.clock.advance(6 * DAY);
    expect(await inbox(sandbox, PEER)).toEqual([]);
    expect((await call(sandbox, `/messageexchange/${PEER}/inbox/${id}`, { as: PEER })).status).toBe(404);
    expect(await inbox(sandbox, SUT)).toHaveLength(1);
  });
});
