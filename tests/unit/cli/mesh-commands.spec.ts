import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox/index.ts';
import { runCli } from './run-cli.ts';

let sandbox: RunningSandbox;
let dir: string;
const as = (mailbox: string) => ({ MESH_URL: sandbox.baseUrl, MESH_MAILBOX_ID: mailbox });

test.beforeAll(async () => {
  sandbox = await startSandbox();
  dir = mkdtempSync(join(tmpdir(), 'cli-'));
});
test.afterAll(async () => sandbox.close());

test('handshake, send (chunked, compressed), inbox, download, track and ack from the command line', async () => {
  expect((await runCli(['handshake'], as('X26ABC1'))).stdout).toContain(
    `Mailbox X26ABC1 validated at ${sandbox.baseUrl}`,
  );

  const file = join(dir, 'payload.bin');
  const content = Buffer.from('line of text\n'.repeat(5000));
  writeFileSync(file, content);
  const send = await runCli(
    [
      'send',
      file,
      '--to',
      'X26ABC2',
      '--workflow',
      'MESH_ASSURE_TEST',
      '--compress',
      '--chunk-size',
      '20KiB',
      '--local-id',
      'CLI-1',
    ],
    as('X26ABC1'),
  );
  expect(send.code, send.stderr).toBe(0);
  const lines = send.stdout.trim().split('\n');
  const id = lines.at(-1)!;
  expect(id).toMatch(/^\d{20}_[0-9A-F]{6}$/);
  expect(lines[0]).toContain('in 4 chunks to X26ABC2');

  const inbox = await runCli(['inbox', '--json'], as('X26ABC2'));
  expect(JSON.parse(inbox.stdout).messages).toContain(id);

  const out = join(dir, 'got.bin');
  const download = await runCli(['download', id, '-o', out, '--json'], as('X26ABC2'));
  expect(download.code, download.stderr).toBe(0);
  expect(readFileSync(out)).toEqual(content);
  expect(JSON.parse(download.stdout)).toMatchObject({
    bytes: content.length,
    sha256: createHash('sha256').update(content).digest('hex'),
    metadata: { messageType: 'DATA', localId: 'CLI-1' },
  });

  const track = await runCli(['track', id, '--json'], as('X26ABC1'));
  expect(JSON.parse(track.stdout)).toMatchObject({ message_id: id, status: 'accepted' });
  expect((await runCli(['ack', id], as('X26ABC2'))).stdout.trim()).toBe(`Acknowledged ${id}`);
  expect(JSON.parse((await runCli(['track', id, '--json'], as('X26ABC1'))).stdout).status).toBe('acknowledged');
  expect((await runCli(['lookup', 'X26', 'TEST_WORKFLOW'], as('X26ABC1'))).stdout).toContain('X26ABC2\tTESTMB2');
});

test('failures exit non-zero with one line that says what went wrong', async () => {
  const unknown = await runCli(['download', '20200101000000000000_ABCDEF'], as('X26ABC2'));
  expect(unknown.code).not.toBe(0);
  expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
  expect(unknown.stderr.trim()).toBe(
    'mesh-assure: download 20200101000000000000_ABCDEF: 404 Not Found: Message does not exist (MESH RECEIVE 20) [MESH_ERR_NOT_FOUND]',
  );

  const badPassword = await runCli(['handshake'], { ...as('X26ABC1'), MESH_MAILBOX_PASSWORD: 'not-the-password' });
  expect(badPassword.code).not.toBe(0);
  expect(badPassword.stderr).toContain('403');
  expect(badPassword.stderr).not.toContain('not-the-password');

  const refused = await runCli(['handshake'], { MESH_URL: 'http://127.0.0.1:9' });
  expect(refused.stderr).toMatch(/nothing is listening at http:\/\/127\.0\.0\.1:9 .*\[MESH_ERR_CONNECT\]$/m);

  const badSize = await runCli(
    ['send', join(dir, 'nope'), '--to', 'X26ABC2', '--workflow', 'W', '--chunk-size', 'lots'],
    as('X26ABC1'),
  );
  expect(badSize.code).not.toBe(0);
  expect(badSize.stderr).toContain('"lots" is not a size');

  const badConfig = await runCli(['handshake'], { MESH_TARGET: 'int' });
  expect(badConfig.code).not.toBe(0);
  expect(badConfig.stderr).toContain('MESH_SHARED_KEY: not set');
});
