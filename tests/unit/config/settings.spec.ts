import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import {
  ConfigError,
  loadSettings,
  PTL_CA_BUNDLE,
  SANDBOX_DEFAULTS,
  settingsFrom,
  VARIABLES,
} from '../../../src/config/index.ts';
import { readFileSync } from 'node:fs';

const problemsOf = (vars: Record<string, string>) => {
  try {
    settingsFrom(vars);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

test('with nothing set, the sandbox target and its fixed identities are used', () => {
  const s = settingsFrom({});
  expect(s.target).toBe('sandbox');
  expect(s.baseUrl).toBeUndefined();
  expect(s.sut.mailboxId).toBe(SANDBOX_DEFAULTS.sut);
  expect(s.peer.mailboxId).toBe(SANDBOX_DEFAULTS.peer);
  expect(s.peerIsSut).toBe(false);
  expect(s.dormantMailboxId).toBe(SANDBOX_DEFAULTS.dormant);
  expect(s.sharedKey).toBe('TestKey');
  expect(s.caCertPath).toBeUndefined();
  expect(s.largeMessageMb).toBe(210);
  expect(s.drain).toBe(false);
});

test('int: every missing field is reported at once, by variable, with a fix', () => {
  const problems = problemsOf({ MESH_TARGET: 'int' });
  expect(problems.map((p) => p.variable).sort()).toEqual(
    ['MESH_CLIENT_CERT', 'MESH_MAILBOX_ID', 'MESH_MAILBOX_PASSWORD', 'MESH_SHARED_KEY', 'MESH_WORKFLOW_ID'].sort(),
  );
  for (const p of problems) expect(p.fix.length).toBeGreaterThan(10);
  expect(() => settingsFrom({ MESH_TARGET: 'int' })).toThrow(
    /configuration has 5 problems:\n(.*\n)* {2}- MESH_SHARED_KEY: not set \(it signs every request\)\. Fix: set MESH_SHARED_KEY/,
  );
});

test('int: a complete configuration defaults the server CA to the shipped PTL G2 chain and the peer to the sut', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
  writeFileSync(join(dir, 'c.pem'), 'x');
  writeFileSync(join(dir, 'k.pem'), 'x');
  const s = settingsFrom({
    MESH_TARGET: 'INT',
    MESH_SHARED_KEY: 'secret',
    MESH_MAILBOX_ID: 'X26HC001',
    MESH_MAILBOX_PASSWORD: 'pw',
    MESH_WORKFLOW_ID: 'WF',
    MESH_CLIENT_CERT: join(dir, 'c.pem'),
    MESH_CLIENT_KEY: join(dir, 'k.pem'),
  });
  expect(s.baseUrl).toBe('https://msg.intspineservices.nhs.uk');
  expect(s.caCertPath).toBe(PTL_CA_BUNDLE);
  expect(readFileSync(s.caCertPath!, 'utf8')).toContain('BEGIN CERTIFICATE');
  expect(s.peerIsSut).toBe(true);
  expect(s.peer).toBe(s.sut);
  expect(s.dormantMailboxId).toBeUndefined();
});

test('bad values are named with what is wrong', () => {
  const problems = problemsOf({
    MESH_TARGET: 'staging',
    MESH_MAILBOX_ID: 'x26abc1',
    MESH_CA_CERT: '/nonexistent/ca.pem',
    MESH_LARGE_MESSAGE_MB: 'lots',
    MESH_DRAIN: 'yes',
    MESH_CLIENT_CERT: '/nonexistent/c.pem',
  });
  const byVar = Object.fromEntries(problems.map((p) => [p.variable, p.problem]));
  expect(byVar.MESH_TARGET).toContain('"staging" is not a known target');
  expect(byVar.MESH_MAILBOX_ID).toContain('"x26abc1" is not a MESH mailbox id');
  expect(byVar.MESH_CA_CERT).toContain('does not exist');
  expect(byVar.MESH_LARGE_MESSAGE_MB).toContain('not a positive number');
  expect(byVar.MESH_DRAIN).toContain('neither 0 nor 1');
  expect(byVar.MESH_CLIENT_KEY).toContain('its pair is');
});

test('a URL target is normalised, needs no client certificate, and plain HTTP is refused unless it is loopback', () => {
  const mailbox = {
    MESH_SHARED_KEY: 'k',
    MESH_MAILBOX_ID: 'A1B2C3',
    MESH_MAILBOX_PASSWORD: 'p',
    MESH_WORKFLOW_ID: 'W',
  };
  const s = settingsFrom({ ...mailbox, MESH_TARGET: 'http://127.0.0.1:8700/messageexchange/' });
  expect(s.target).toBe('url');
  expect(s.baseUrl).toBe('http://127.0.0.1:8700');
  expect(problemsOf({ ...mailbox, MESH_TARGET: 'http://mesh.example.org' }).map((p) => p.problem)).toEqual([
    'http://mesh.example.org is plain HTTP to another machine',
  ]);
});

test('.env is read quietly and the environment wins over it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
  const file = join(dir, '.env');
  writeFileSync(file, 'MESH_WORKFLOW_ID=FROM_FILE\nMESH_PRODUCT_NAME=Acme\nMESH_RFC=\n');
  const s = loadSettings({ env: { MESH_WORKFLOW_ID: 'FROM_ENV' }, envFile: file });
  expect(s.workflowId).toBe('FROM_ENV');
  expect(s.product).toEqual({ name: 'Acme', version: undefined, rfc: undefined });
});

test('.env.example documents every variable with a one-line comment', () => {
  const example = readFileSync(new URL('../../../.env.example', import.meta.url), 'utf8').split('\n');
  for (const name of Object.keys(VARIABLES)) {
    const at = example.findIndex((line) => line.replace(/^#\s*/, '').startsWith(`${name}=`));
    expect(at, `${name} is in .env.example`).toBeGreaterThan(0);
    expect(example[at - 1], `${name} has a comment above it`).toMatch(/^# \S/);
  }
});

test('configuration errors never repeat a secret value', () => {
  const error = (() => {
    try {
      settingsFrom({
        MESH_TARGET: 'int',
        MESH_MAILBOX_PASSWORD: 'hunter2-secret',
        MESH_SHARED_KEY: 'shared-secret-key',
      });
    } catch (e) {
      return e as Error;
    }
  })();
  expect(error?.message).toBeTruthy();
  expect(error?.message).not.toContain('hunter2-secret');
  expect(error?.message).not.toContain('shared-secret-key');
});

test("nhs-sandbox: NHS's own sandbox needs only MESH_URL; its shipped identities are the defaults", () => {
  const s = settingsFrom({ MESH_TARGET: 'nhs-sandbox', MESH_URL: 'http://127.0.0.1:8720/' });
  expect([s.target, s.baseUrl]).toEqual(['nhs-sandbox', 'http://127.0.0.1:8720']);
  expect([s.sut.mailboxId, s.sut.password, s.peer.mailboxId, s.peer.password, s.dormantMailboxId]).toEqual([
    'X26ABC1',
    'password',
    'X26ABC2',
    'password',
    'X26ABC3',
  ]);
  expect([s.sharedKey, s.workflowId, s.odsCode, s.caCertPath]).toEqual(['TestKey', 'TEST_WORKFLOW2', 'X26', undefined]);
  expect(
    settingsFrom({ MESH_TARGET: 'NHS-Sandbox', MESH_URL: 'https://localhost:8721', MESH_WORKFLOW_ID: 'TEST_WORKFLOW' })
      .workflowId,
  ).toBe('TEST_WORKFLOW');
});

test('nhs-sandbox without MESH_URL is one problem that says where the server is', () => {
  expect(problemsOf({ MESH_TARGET: 'nhs-sandbox' })).toEqual([
    {
      variable: 'MESH_URL',
      problem: expect.stringContaining('nhs-sandbox has no fixed address'),
      fix: expect.stringContaining('http://127.0.0.1:8720'),
    },
  ]);
});
