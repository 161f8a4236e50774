/**
 * A product command runs in its own process group: at its deadline the whole group is killed (the shell
 * and whatever the product started), the result says it was stopped, and nothing is left running.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { fillPlaceholders, runProductCommand } from '../../../src/pack/product-command.ts';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('a command past its deadline is stopped with everything it started, and says so', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'product-command-'));
  try {
    const pidFile = join(dir, 'grandchild.pid');
    // The "product" starts a long-lived process of its own, then waits on it: killing only the shell would leave it.
    const result = await runProductCommand(
      `sleep 60 & echo $! > ${fillPlaceholders('{f}', { f: pidFile })}; wait`,
      {},
      1000,
    );
    expect([result.stoppedAtDeadline, result.code]).toEqual([true, null]);
    expect(result.durationMs).toBeLessThan(30_000);
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    await expect.poll(() => alive(grandchild), { message: 'the process the command started' }).toBe(false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a command that finishes in time reports its exit code and output, with the environment it was given', async () => {
  const result = await runProductCommand('echo "$MESH_MAILBOX_ID"; exit 3', { MESH_MAILBOX_ID: 'X26ABC1' }, 30_000);
  expect([result.stoppedAtDeadline, result.code, result.stdout.trim()]).toEqual([false, 3, 'X26ABC1']);
});

test('placeholders are shell-quoted, and an unknown one is an error naming the known ones', () => {
  expect(fillPlaceholders('send {file}', { file: "it's here; rm -rf /" })).toBe(`send 'it'\\''s here; rm -rf /'`);
  expect(() => fillPlaceholders('send {fiel}', { file: 'x' })).toThrow(
    /unknown placeholder \{fiel\} .*known: \{file\}/,
  );
});
