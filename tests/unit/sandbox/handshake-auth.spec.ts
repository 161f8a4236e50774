/** mesh-api-notes 12.1: handshake and authentication, with the real service's strict rules and their relax switches. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { makeAuthToken, MEDIA_V2, MESH_ERRORS } from '../../../src/protocol/index.ts';
import { startSandboxProcess } from '../../support/sandbox-process.ts';
import { call, detail, expect, HANDSHAKE_HEADERS, SUT, PEER, test, tokenFor } from './helpers.ts';

const handshake = '/messageexchange/X26ABC1';

test('handshake: 200 with an empty v2 body, {mailboxId} in v1; GET and POST alike', async ({ sandbox }) => {
  for (const method of ['GET', 'POST']) {
    const v2 = await call(sandbox, handshake, { method, as: SUT, headers: HANDSHAKE_HEADERS });
    expect(v2.status).toBe(200);
    expect(v2.text).toBe('');
    const v1 = await call(sandbox, handshake, { method, as: SUT, accept: 'v1', headers: HANDSHAKE_HEADERS });
    expect(v1.status).toBe(200);
    expect(v1.headers['content-type']).toBe('application/json');
    expect(v1.json()).toEqual({ mailboxId: SUT });
  }
});

test('handshake without its mex headers is 400 naming each missing one, after auth', async ({ sandbox }) => {
  const reply = await call(sandbox, handshake, { as: SUT, headers: { 'mex-osname': 'Linux' } });
  expect(reply.status).toBe(400);
  const locs = reply.json<{ detail: { loc: string[] }[] }>().detail.map((d) => d.loc[1]);
  expect(locs).toEqual(['mex-clientversion', 'mex-osversion']);
  // Auth runs first: a bad token on the same request is 403, not 400.
  expect((await call(sandbox, handshake, { authorization: 'NHSMESH nonsense' })).status).toBe(403);
});

test('auth failures are 403 with the service texts in v1 and v2 shape', async ({ sandbox }) => {
  const noHeader = await call(sandbox, handshake, { headers: HANDSHAKE_HEADERS });
  expect(noHeader.status).toBe(403);
  expect(detail(noHeader).msg).toBe('Error reading from Authorization header');
  const noHeaderV1 = await call(sandbox, handshake, { accept: 'v1', headers: HANDSHAKE_HEADERS });
  expect(noHeaderV1.json()).toEqual({
    errorEvent: '',
    errorCode: '',
    errorDescription: 'Error reading from Authorization header',
  });

  const cases: [string, string][] = [
    [tokenFor(sandbox, SUT, { password: 'wrong' }), 'Invalid Authentication Token'],
    [
      makeAuthToken({ sharedKey: 'BadKey', mailboxId: SUT, password: 'password', time: sandbox.clock.now() }),
      'Invalid Authentication Token',
    ],
    [tokenFor(sandbox, PEER), 'Mailbox id does not match token'],
    [
      tokenFor(sandbox, SUT).replace(`NHSMESH ${SUT}`, `NHSMESH ${SUT.toLowerCase()}`),
      'Mailbox id does not match token',
    ],
    [tokenFor(sandbox, SUT).split(':').slice(0, 4).join(':'), 'Error reading from Authorization header'],
    [tokenFor(sandbox, SUT).replace(/:0:/, ':x:'), 'Error reading from Authorization header'],
  ];
  for (const [authorization, msg] of cases) {
    const reply = await call(sandbox, handshake, { authorization, headers: HANDSHAKE_HEADERS });
    expect(reply.status, msg).toBe(403);
    expect(reply.headers['content-type']).toBe('application/vnd.mesh.v2+json');
    expect(detail(reply).msg).toBe(msg);
  }
  const unknown = await call(sandbox, '/messageexchange/NOSUCH1', { as: 'NOSUCH1', headers: HANDSHAKE_HEADERS });
  expect(unknown.status).toBe(403);
  expect(detail(unknown)).toEqual({ event: 'SEND', code: 'EPL-151', msg: 'No mailbox matched' });
});

test('strict by default: a replayed token, a stale timestamp, a missing scheme are 403', async ({ sandbox }) => {
  const token = tokenFor(sandbox, SUT);
  expect((await call(sandbox, handshake, { authorization: token, headers: HANDSHAKE_HEADERS })).status).toBe(200);
  const replay = await call(sandbox, handshake, { authorization: token, headers: HANDSHAKE_HEADERS });
  expect(replay.status).toBe(403);
  expect(detail(replay).msg).toBe('Error Duplicated Authentication Token');
  // The same nonce with a new nonce count is a new token.
  const nonce = 'fixed-nonce';
  expect(
    (
      await call(sandbox, handshake, {
        authorization: tokenFor(sandbox, SUT, { nonce, nonceCount: 1 }),
        headers: HANDSHAKE_HEADERS,
      })
    ).status,
  ).toBe(200);
  expect(
    (
      await call(sandbox, handshake, {
        authorization: tokenFor(sandbox, SUT, { nonce, nonceCount: 2 }),
        headers: HANDSHAKE_HEADERS,
      })
    ).status,
  ).toBe(200);

  const threeHoursAgo = new Date(sandbox.clock.now().getTime() - 3 * 3600_000);
  const stale = await call(sandbox, handshake, {
    authorization: tokenFor(sandbox, SUT, { time: threeHoursAgo }),
    headers: HANDSHAKE_HEADERS,
  });
  expect(stale.status).toBe(403);
  expect(detail(stale).msg).toMatch(/within 2 hours/);
  const inAnHour = new Date(sandbox.clock.now().getTime() + 3600_000);
  expect(
    (
      await call(sandbox, handshake, {
        authorization: tokenFor(sandbox, SUT, { time: inAnHour }),
        headers: HANDSHAKE_HEADERS,
      })
    ).status,
  ).toBe(200);

  const noScheme = tokenFor(sandbox, SUT).replace('NHSMESH ', '');
  expect((await call(sandbox, handshake, { authorization: noScheme, headers: HANDSHAKE_HEADERS })).status).toBe(403);
  expect((await call(sandbox, '/messageexchange/x26abc1', { as: SUT, headers: HANDSHAKE_HEADERS })).status).toBe(403);
});

test('a reused token is still refused after the clock moves an hour', async ({ sandbox }) => {
  const token = tokenFor(sandbox, SUT);
  expect((await call(sandbox, handshake, { authorization: token, headers: HANDSHAKE_HEADERS })).status).toBe(200);
  sandbox.clock.advance(3600_000);
  expect((await call(sandbox, handshake, { authorization: token, headers: HANDSHAKE_HEADERS })).status).toBe(403);
  // The refused request is journalled with its token, so a reuse can be seen in the journal.
  const [first, again] = sandbox.journal
    .entries({ mailbox: SUT })
    .filter((e) => e.path === handshake)
    .slice(-2);
  expect([first?.status, again?.status]).toEqual([200, 403]);
  expect(again?.token).toEqual(first?.token);
  expect(again?.token?.nonce).toBe(token.split(':')[1]);
  expect(again?.token?.used).toBe(true);
  // A token refused before it could count (a wrong password) is journalled as not used.
  await call(sandbox, handshake, {
    authorization: tokenFor(sandbox, SUT, { password: 'wrong' }),
    headers: HANDSHAKE_HEADERS,
  });
  expect(sandbox.journal.entries({ mailbox: SUT }).at(-1)?.token?.used).toBe(false);
});

test('a token used before the sandbox was killed and restarted is still refused; one refused before it counted is not', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'sandbox-tokens-'));
  const handshakeWith = async (baseUrl: string, authorization: string) => {
    const res = await request(`${baseUrl}${handshake}`, {
      headers: { accept: MEDIA_V2, authorization, ...HANDSHAKE_HEADERS },
    });
    return { status: res.statusCode, text: await res.body.text() };
  };
  try {
    const first = await startSandboxProcess(['--data-dir', dataDir]);
    const token = makeAuthToken({ sharedKey: first.ready.sharedKey, mailboxId: SUT, password: 'password' });
    expect((await handshakeWith(first.ready.baseUrl, token)).status).toBe(200);
    // Signed with a wrong password: refused as invalid, so it never counts as used (the nonce stays free).
    const signed = (password: string) =>
      makeAuthToken({
        sharedKey: first.ready.sharedKey,
        mailboxId: SUT,
        password,
        nonce: 'refused-first',
        time: new Date(),
      });
    expect((await handshakeWith(first.ready.baseUrl, signed('wrong'))).status).toBe(403);
    await new Promise((resolve) => setTimeout(resolve, 300)); // the journal is appended in 50 ms batches
    await first.kill();

    const second = await startSandboxProcess(['--data-dir', dataDir]);
    const reused = await handshakeWith(second.ready.baseUrl, token);
    expect(reused.status).toBe(403);
    expect(reused.text).toContain(MESH_ERRORS.authReused.description);
    const fresh = makeAuthToken({ sharedKey: second.ready.sharedKey, mailboxId: SUT, password: 'password' });
    expect((await handshakeWith(second.ready.baseUrl, fresh)).status).toBe(200);
    expect((await handshakeWith(second.ready.baseUrl, signed('password'))).status).toBe(200);
    await second.stop();
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('an Accept header naming two types is 400 in v1 shape', async ({ sandbox }) => {
  const reply = await call(sandbox, handshake, {
    as: SUT,
    accept: 'application/vnd.mesh.v2+json, application/json',
    headers: HANDSHAKE_HEADERS,
  });
  expect(reply.status).toBe(400);
  expect(reply.json()).toEqual({
    errorEvent: '',
    errorCode: '',
    errorDescription: 'Accept header api format incorrect',
  });
});

test('a disabled mailbox is refused until enabled again', async ({ sandbox }) => {
  const admin = (path: string) => call(sandbox, `/admin/mailbox/${SUT}/${path}`, { method: 'POST' });
  expect((await admin('disable')).json()).toEqual({ mailbox_id: SUT, active: false });
  const refused = await call(sandbox, handshake, { as: SUT, headers: HANDSHAKE_HEADERS });
  expect(refused.status).toBe(403);
  expect(detail(refused).msg).toBe('Request Received from Inactive Mailbox');
  expect((await call(sandbox, `/admin/mailbox/${SUT}`)).json()).toMatchObject({ active: false });
  await admin('enable');
  expect((await call(sandbox, handshake, { as: SUT, headers: HANDSHAKE_HEADERS })).status).toBe(200);
});

test.describe('relaxed', () => {
  test.use({ sandboxOptions: { relax: { tokenReuse: true, tokenTime: true, scheme: true, handshakeHeaders: true } } });

  test('each relax switch lets through what the official sandbox accepts', async ({ sandbox }) => {
    const token = tokenFor(sandbox, SUT, { time: new Date('1990-01-01T00:00:00Z') });
    expect((await call(sandbox, handshake, { authorization: token })).status).toBe(200);
    expect((await call(sandbox, handshake, { authorization: token })).status).toBe(200);
    expect((await call(sandbox, handshake, { authorization: token.replace('NHSMESH ', '') })).status).toBe(200);
    expect((await call(sandbox, '/messageexchange/x26abc1', { as: SUT })).status).toBe(200);
    // Still checked: the HMAC and the mailbox.
    expect(
      (await call(sandbox, handshake, { authorization: tokenFor(sandbox, SUT, { password: 'wrong' }) })).status,
    ).toBe(403);
  });
});
