/** `mesh-assure sandbox`: what it prints when ready, and a clean exit on SIGINT. */
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { expect, test } from './helpers.ts';

test('prints URL, mailboxes, key and certificate paths, then "ready <url>"; SIGINT exits 0', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'sandbox-cli-'));
  const cli = fileURLToPath(new URL('../../../bin/mesh-assure.mjs', import.meta.url));
  const child = spawn(
    process.execPath,
    [cli, 'sandbox', '--port', '0', '--data-dir', dataDir, '--mtls', '--relax-token-time'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const lines: string[] = [];
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      if (line.startsWith('ready ')) resolve();
    });
    void exited.then(() => reject(new Error(`exited early: ${lines.join('\n')}`)));
  });
  const output = lines.join('\n');
  expect(lines.at(-1)).toMatch(/^ready https:\/\/127\.0\.0\.1:\d+$/);
  expect(output).toContain('X26ABC1 (ODS X26, password password)');
  expect(output).toContain('shared key  TestKey');
  expect(output).toContain(join(dataDir, 'tls', 'ca.pem'));
  expect(output).toContain(join(dataDir, 'tls', 'clients', 'X26ABC2.key'));
  child.kill('SIGINT');
  expect(await exited).toBe(0);
});

test('contradictory or malformed options are refused with a clear message', async () => {
  const cli = fileURLToPath(new URL('../../../bin/mesh-assure.mjs', import.meta.url));
  const run = (args: string[]) =>
    new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [cli, 'sandbox', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      child.once('exit', (code) => resolve({ code, stderr }));
    });
  const both = await run(['--tls', '--mtls']);
  expect(both.code).not.toBe(0);
  expect(both.stderr).toContain('choose one of --tls and --mtls');
  const port = await run(['--port', 'eighty']);
  expect(port.stderr).toContain('--port must be a whole number');
});
