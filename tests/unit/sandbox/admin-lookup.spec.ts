/** mesh-api-notes 12.7 and 12.9: lookups, health, the admin API, faults, the journal and the config file. */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '../../../src/sandbox/index.ts';
import { call, DORMANT, expect, HANDSHAKE_HEADERS, inbox, PEER, send, SUT, test, tokenFor } from './helpers.ts';

test('endpoint lookup and workflow search follow the configured receivers', async ({ sandbox }) => {
  const lookup = (path: string, accept = 'v2') => call(sandbox, `/messageexchange/endpointlookup/${path}`, { accept });
  expect((await lookup('X26/TEST_WORKFLOW')).json()).toEqual({
    results: [{ mailbox_id: PEER, mailbox_name: 'TESTMB2' }],
  });
  const v1 = (await lookup('X26/TEST_WORKFLOW', 'v1')).json<{ query_id: string; results: unknown[] }>();
  expect(v1.results).toEqual([{ address: PEER, description: 'TESTMB2', endpoint_type: 'MESH' }]);
  expect(v1.query_id).toMatch(/^\d{20}_[0-9A-F]{6}_\d+$/);
  expect((await lookup('X27/TEST_WORKFLOW')).json()).toEqual({ results: [] });
  expect((await lookup('X27/TEST_WORKFLOW_ACK')).json()).toEqual({
    results: [{ mailbox_id: DORMANT, mailbox_name: 'TESTMB3' }],
  });
  expect(
    (await lookup('X26/TEST_WORKFLOW2')).json<{ results: { mailbox_id: string }[] }>().results.map((r) => r.mailbox_id),
  ).toEqual([SUT, PEER]);
  expect((await lookup('%20/TEST_WORKFLOW')).status).toBe(400);
  const search = await call(sandbox, '/messageexchange/workflowsearch/TEST_WORKFLOW2', { accept: 'v1' });
  expect(search.json<{ results: { mailbox_id: string }[] }>().results.map((r) => r.mailbox_id)).toEqual([
    SUT,
    PEER,
    DORMANT,
  ]);
  expect((await call(sandbox, '/messageexchange/workflowsearch/NOPE')).json()).toEqual({ results: [] });
});

test('health routes answer without auth', async ({ sandbox }) => {
  for (const path of [
    '/health',
    '/_ping',
    '/_status',
    '/healthcheck',
    '/messageexchange/_ping',
    '/messageexchange/deepping',
  ]) {
    const reply = await call(sandbox, path);
    expect(reply.status, path).toBe(200);
    expect(reply.json()).toMatchObject({ status: 'running', outcome: 'Yes', env: 'local' });
  }
});

test('unknown routes are 404 and wrong methods 405 with an allow header', async ({ sandbox }) => {
  const unknown = await call(sandbox, '/nope');
  expect([unknown.status, unknown.json()]).toEqual([404, { detail: 'Not Found' }]);
  const wrong = await call(sandbox, `/messageexchange/${SUT}/inbox`, { method: 'DELETE', as: SUT });
  expect([wrong.status, wrong.json(), wrong.headers.allow]).toEqual([405, { detail: 'Method Not Allowed' }, 'GET']);
});

test('reset: everything, or one mailbox; unknown mailbox 404', async ({ sandbox }) => {
  const toPeer = await send(sandbox, SUT, PEER, 'x');
  const toSut = await send(sandbox, PEER, SUT, 'y');
  const one = await call(sandbox, `/admin/reset/${PEER}`, { method: 'DELETE' });
  expect(one.json()).toEqual({ message: `mailbox ${PEER} reset` });
  expect(await inbox(sandbox, PEER)).toEqual([]);
  expect(await inbox(sandbox, SUT)).toEqual([toSut]);
  expect(
    (await call(sandbox, `/messageexchange/${PEER}/outbox/tracking?messageID=${toSut}`, { as: PEER })).status,
  ).toBe(404);
  expect((await call(sandbox, `/messageexchange/${SUT}/outbox/tracking?messageID=${toPeer}`, { as: SUT })).status).toBe(
    404,
  );
  expect((await call(sandbox, '/admin/reset/NOSUCH', { method: 'POST' })).status).toBe(404);
  const all = await call(sandbox, '/messageexchange/admin/reset', { method: 'DELETE' });
  expect(all.json()).toEqual({ message: 'all mailboxes reset' });
  expect(await inbox(sandbox, SUT)).toEqual([]);
});

test('mailbox and message details', async ({ sandbox }) => {
  const mailbox = await call(sandbox, `/messageexchange/admin/mailbox/${SUT}`);
  expect(mailbox.json()).toEqual({
    mailbox_id: SUT,
    mailbox_name: 'TESTMB1',
    billing_entity: 'England',
    ods_code: 'X26',
    org_code: 'X26',
    org_name: 'TESTMB1 organisation',
    active: true,
  });
  expect((await call(sandbox, `/messageexchange/mailbox/${SUT}`)).status).toBe(200);
  expect((await call(sandbox, '/admin/mailbox/NOSUCH')).status).toBe(404);
  const id = await send(sandbox, SUT, PEER, 'fifteen bytes!!');
  const details = await call(sandbox, `/messageexchange/admin/message/${id}`);
  expect(details.json()).toMatchObject({
    message_id: id,
    message_type: 'Data',
    status: 'Accepted',
    status_success: 'SUCCESS',
    file_size: 15,
    sender: SUT,
    recipient: PEER,
  });
  expect((await call(sandbox, '/admin/message/20200101000000000000_ABCDEF')).status).toBe(404);
});

test('injected faults answer the next matching requests, then stop; DELETE clears them', async ({ sandbox }) => {
  const added = await call(sandbox, '/admin/faults', {
    method: 'POST',
    body: JSON.stringify({ method: 'GET', path: '/inbox$', status: 503, times: 2 }),
  });
  expect(added.status).toBe(200);
  for (let i = 0; i < 2; i++) {
    const failed = await call(sandbox, `/messageexchange/${PEER}/inbox`, { as: PEER });
    expect(failed.status).toBe(503);
    expect(failed.json<{ detail: unknown[] }>().detail).toHaveLength(1);
  }
  expect((await call(sandbox, `/messageexchange/${PEER}/inbox`, { as: PEER })).status).toBe(200);
  await call(sandbox, '/admin/faults', {
    method: 'POST',
    body: JSON.stringify({ path: 'outbox', status: 502, times: 5, delayMs: 10 }),
  });
  const body = 'x'.repeat(100_000);
  const slow = await call(sandbox, `/messageexchange/${SUT}/outbox`, {
    method: 'POST',
    as: SUT,
    headers: { 'mex-to': PEER, 'mex-workflowid': 'W' },
    body,
  });
  expect(slow.status).toBe(502);
  await call(sandbox, '/admin/faults', { method: 'DELETE' });
  expect(
    (
      await call(sandbox, `/messageexchange/${SUT}/outbox`, {
        method: 'POST',
        as: SUT,
        headers: { 'mex-to': PEER, 'mex-workflowid': 'W' },
        body,
      })
    ).status,
  ).toBe(202);
  const bad = await call(sandbox, '/admin/faults', {
    method: 'POST',
    body: JSON.stringify({ path: '(', status: 99, times: 0 }),
  });
  expect(bad.status).toBe(400);
  expect(bad.text).toMatch(/status.*times/);
});

test('the journal records each request, filters by mailbox and time, and never holds a secret', async ({ sandbox }) => {
  const since = sandbox.clock.now();
  const authorization = tokenFor(sandbox, SUT);
  await call(sandbox, `/messageexchange/${SUT}`, { authorization, headers: HANDSHAKE_HEADERS });
  const id = await send(sandbox, SUT, PEER, 'journal me');
  await call(sandbox, `/messageexchange/${PEER}/inbox/${id}`, { as: PEER, headers: { 'accept-encoding': 'gzip' } });
  await call(sandbox, `/messageexchange/${SUT}`, {
    authorization: tokenFor(sandbox, SUT, { password: 'wrong-password-123' }),
    headers: HANDSHAKE_HEADERS,
  });

  const entries = sandbox.journal.entries({ mailbox: SUT, since });
  expect(entries.map((e) => [e.method, e.status])).toEqual([
    ['GET', 200],
    ['POST', 202],
    ['GET', 403],
  ]);
  const [handshake, sent] = entries;
  expect(handshake!.headers).toMatchObject({
    'mex-clientversion': 'mesh-assure-tests==1',
    'mex-osname': 'Linux',
    'mex-osversion': '6',
  });
  expect(handshake!.token).toMatchObject({ nonceCount: '0', timestamp: expect.stringMatching(/^\d{12}$/) });
  expect(sent).toMatchObject({ messageId: id, bytesIn: 10 });
  const download = sandbox.journal.entries({ mailbox: PEER }).find((e) => e.messageId === id && e.method === 'GET')!;
  expect(download.bytesOut).toBeGreaterThan(0);
  expect(download.headers['accept-encoding']).toBe('gzip');
  expect(sandbox.journal.entries({ since: new Date(Date.now() + 3600_000) })).toEqual([]);
  const viaApi = await call(sandbox, `/admin/journal?mailbox=${SUT}&since=${encodeURIComponent(since.toISOString())}`);
  expect(viaApi.json<{ entries: unknown[] }>().entries.length).toBeGreaterThanOrEqual(3);
  expect(viaApi.json<{ droppedFromMemory: number }>().droppedFromMemory).toBe(0);
  expect((await call(sandbox, '/admin/journal?since=yesterday')).status).toBe(400);

  const hmac = authorization.split(':').at(-1)!;
  await sandbox.close(); // flushes the journal file
  const onDisk = await readFile(join(sandbox.dataDir, 'journal.jsonl'), 'utf8');
  expect(onDisk).toContain(id);
  for (const text of [JSON.stringify(sandbox.journal.entries()), onDisk]) {
    for (const secret of [hmac, 'password', 'wrong-password-123', sandbox.sharedKey, 'authorization', 'NHSMESH'])
      expect(text).not.toContain(secret);
  }
});

test('a config file adds mailboxes and restricted workflows; a bad one is refused with every problem named', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sandbox-config-'));
  const good = join(dir, 'good.json');
  await writeFile(
    good,
    JSON.stringify({
      mailboxes: [
        { mailbox_id: 'ABC001', password: 'secret1', ods_code: 'abc', mailbox_name: 'Lab' },
        { mailbox_id: 'ABC002', password: 'secret2', ods_code: 'ABC', disabled: true },
      ],
      workflows: [{ workflow_id: 'LAB_RESULTS', senders: ['ABC001'], receivers: ['X26ABC2'] }],
    }),
  );
  const sandbox = await startSandbox({ configFile: good });
  try {
    expect(sandbox.mailboxes.map((m) => m.mailboxId)).toEqual([SUT, PEER, DORMANT, 'ABC001', 'ABC002']);
    const sendAs = (from: string, to: string) =>
      call(sandbox, `/messageexchange/${from}/outbox`, {
        method: 'POST',
        authorization: tokenFor(sandbox, from, { password: from === 'ABC001' ? 'secret1' : 'password' }),
        headers: { 'mex-to': to, 'mex-workflowid': 'LAB_RESULTS' },
        body: 'r',
      });
    expect((await sendAs('ABC001', PEER)).status).toBe(202);
    expect((await sendAs(SUT, PEER)).status).toBe(417);
    expect((await call(sandbox, '/messageexchange/endpointlookup/X26/LAB_RESULTS')).json()).toEqual({
      results: [{ mailbox_id: PEER, mailbox_name: 'TESTMB2' }],
    });
    const disabled = await call(sandbox, '/messageexchange/ABC002', {
      authorization: tokenFor(sandbox, 'ABC002', { password: 'secret2' }),
      headers: HANDSHAKE_HEADERS,
    });
    expect(disabled.status).toBe(403);
  } finally {
    await sandbox.close();
  }
  const bad = join(dir, 'bad.json');
  await writeFile(
    bad,
    JSON.stringify({
      mailboxes: [{ mailbox_id: 'lower', ods_code: 7 }],
      workflows: [{ workflow_id: 'W', senders: 'X26ABC1' }],
      extra: 1,
    }),
  );
  const error = await startSandbox({ configFile: bad }).then(
    () => undefined,
    (e: Error) => e,
  );
  expect(error?.message).toContain('unknown key "extra"');
  expect(error?.message).toContain('mailboxes[0].password is required');
  expect(error?.message).toContain('mailboxes[0].ods_code must be a non-empty string');
  expect(error?.message).toContain('mailbox_id "lower" must be upper-case');
  expect(error?.message).toContain('workflows[0].senders must be an array');
  await writeFile(bad, '{ not json');
  expect(
    await startSandbox({ configFile: bad }).then(
      () => '',
      (e: Error) => e.message,
    ),
  ).toContain('bad.json');
});
