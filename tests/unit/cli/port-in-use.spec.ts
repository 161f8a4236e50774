/** The servers mesh-assure starts on a port a user chose: a port already taken is said with what to do. */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { runCli } from './run-cli.ts';

let taken: Server;
let port: number;
let work: string;
test.beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'port-in-use-'));
  taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  port = (taken.address() as { port: number }).port;
});
test.afterAll(async () => {
  await new Promise((resolve) => taken.close(resolve));
  rmSync(work, { recursive: true, force: true });
});

const ROWS: { who: string; args: () => string[]; env: Record<string, string> }[] = [
  { who: 'sandbox', args: () => ['sandbox', '--port', String(port), '--data-dir', join(work, 'sandbox')], env: {} },
  {
    who: 'relay',
    args: () => ['relay', '--port', String(port), '--data-dir', join(work, 'relay')],
    env: { MESH_TARGET: 'https://127.0.0.1:9' },
  },
];

for (const row of ROWS) {
  test(`${row.who} on a port in use says so and what to do`, async () => {
    const result = await runCli(row.args(), row.env, work);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      `mesh-assure: ${row.who}: 127.0.0.1:${port} is already in use (another ${row.who}, or another program): stop it, or give --port another number (0 picks a free one)`,
    );
  });
}
