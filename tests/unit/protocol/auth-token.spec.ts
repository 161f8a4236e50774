import { expect, test } from '@playwright/test';
import {
  formatTokenTimestamp,
  isTokenTimeFresh,
  makeAuthToken,
  parseAuthToken,
  parseTokenTimestamp,
  redactAuthorization,
  verifyAuthToken,
} from '../../../src/protocol/index.ts';

// The test vectors of mesh-api-notes section 3.1.
const VECTORS = [
  {
    key: 'TestKey',
    mailbox: 'X26ABC1',
    nonce: '00000000-0000-0000-0000-000000000000',
    nc: 0,
    ts: '202401011200',
    hmac: '91ba257cdd502881606b73670bc18a5c2342e44e9b9dd707aa2241ac2869aa52',
  },
  {
    key: 'TestKey',
    mailbox: 'X26ABC2',
    nonce: '2c001608-5f09-4840-9611-bea43e666a30',
    nc: 1,
    ts: '202006041718',
    hmac: '4e0f44483a54c1e9747d68fc57352dc615431a90c66933434ef933b96047736d',
  },
  {
    key: 'BadKey',
    mailbox: 'X26ABC1',
    nonce: '00000000-0000-0000-0000-000000000000',
    nc: 0,
    ts: '202401011200',
    hmac: '9d77551a784b42a967480dfd4e307f90d675f6ad868896d65642f2a34c41602f',
  },
];

const timeOf = (ts: string) => parseTokenTimestamp(ts)!;

for (const v of VECTORS) {
  test(`token vector ${v.key}/${v.mailbox}/${v.nc} matches byte for byte`, () => {
    const header = makeAuthToken({
      sharedKey: v.key,
      mailboxId: v.mailbox,
      password: 'password',
      nonce: v.nonce,
      nonceCount: v.nc,
      time: timeOf(v.ts),
    });
    expect(header).toBe(`NHSMESH ${v.mailbox}:${v.nonce}:${v.nc}:${v.ts}:${v.hmac}`);
  });
}

test('verify accepts the right key and password and rejects the BadKey vector', () => {
  const good = parseAuthToken(`NHSMESH X26ABC1:${VECTORS[0]!.nonce}:0:202401011200:${VECTORS[0]!.hmac}`);
  const bad = parseAuthToken(`NHSMESH X26ABC1:${VECTORS[2]!.nonce}:0:202401011200:${VECTORS[2]!.hmac}`);
  expect(good.ok && verifyAuthToken(good.parts, 'TestKey', 'password')).toBe(true);
  expect(good.ok && verifyAuthToken(good.parts, 'TestKey', 'wrong')).toBe(false);
  expect(bad.ok && verifyAuthToken(bad.parts, 'TestKey', 'password')).toBe(false);
});

test('every generated token has a fresh nonce and an upper-case mailbox', () => {
  const a = makeAuthToken({ sharedKey: 'k', mailboxId: 'x26abc1', password: 'p' });
  const b = makeAuthToken({ sharedKey: 'k', mailboxId: 'x26abc1', password: 'p' });
  expect(a).not.toBe(b);
  expect(a).toMatch(/^NHSMESH X26ABC1:[0-9a-f-]{36}:0:\d{12}:[0-9a-f]{64}$/);
});

test('strict parsing refuses a missing scheme, wrong field counts and bad counts', () => {
  const hmac = 'a'.repeat(64);
  expect(parseAuthToken(undefined)).toEqual({ ok: false, reason: 'unreadable' });
  expect(parseAuthToken('X26ABC1:n:0:202401011200:' + hmac)).toEqual({ ok: false, reason: 'scheme' });
  expect(parseAuthToken('nhsmesh X26ABC1:n:0:202401011200:' + hmac)).toEqual({ ok: false, reason: 'scheme' });
  expect(parseAuthToken('NHSMESH X26ABC1:n:0:202401011200')).toEqual({ ok: false, reason: 'unreadable' });
  expect(parseAuthToken('NHSMESH X26ABC1:n:x:202401011200:' + hmac)).toEqual({ ok: false, reason: 'unreadable' });
  expect(parseAuthToken('nhsmesh X26ABC1:n:0:202401011200:' + hmac, { requireScheme: false }).ok).toBe(true);
});

test('timestamps: format, parse, and the two-hour window', () => {
  const now = new Date('2026-11-24T15:30:45Z');
  expect(formatTokenTimestamp(now)).toBe('202611241530');
  expect(parseTokenTimestamp('202613011200')).toBeUndefined();
  expect(isTokenTimeFresh('202611241330', now)).toBe(true);
  expect(isTokenTimeFresh('202611241329', now)).toBe(false);
  expect(isTokenTimeFresh('202611241731', now)).toBe(false);
});

test('redaction keeps mailbox, nonce, count and time but never the HMAC', () => {
  const header = makeAuthToken({
    sharedKey: 'TestKey',
    mailboxId: 'X26ABC1',
    password: 'password',
    nonce: 'n1',
    time: timeOf('202401011200'),
  });
  const redacted = redactAuthorization(header);
  expect(redacted).toBe('NHSMESH X26ABC1:n1:0:202401011200:<redacted>');
  expect(redacted).not.toContain(header.split(':').at(-1)!);
  expect(redactAuthorization('Basic dXNlcjpwYXNz')).toBe('<redacted>');
});
