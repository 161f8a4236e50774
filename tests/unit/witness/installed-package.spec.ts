/**
 * A supplier adds mesh-assure to its own repository as `npm pack` makes it, and `npx mesh-assure run`
 * works there: Playwright, the pack and its configuration are found inside the installed package, and the
 * reports and the bundle are written under the supplier's working directory. npm installs the packed
 * package's dependencies from its cache (--prefer-offline: the network only for what the cache lacks).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const exec = promisify(execFile);
// A clean environment: nothing of this repository's own settings or Playwright run leaks in.
const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };

test('the packed package, installed into a fresh folder, runs a case there and writes the bundle there', async () => {
  test.setTimeout(600_000);
  const work = mkdtempSync(join(tmpdir(), 'mesh-assure-installed-'));
  try {
    const { stdout: packed } = await exec('npm', ['pack', '--silent', '--pack-destination', work], { cwd: ROOT, env });
    const tarball = join(work, packed.trim().split('\n').at(-1)!);
    const supplier = join(work, 'supplier-product');
    await exec('mkdir', [supplier]);
    writeFileSync(
      join(supplier, 'package.json'),
      JSON.stringify({ name: 'supplier-product', version: '1.0.0', private: true }),
    );
    await exec('npm', ['install', '-D', tarball, '--prefer-offline', '--no-audit', '--no-fund'], {
      cwd: supplier,
      env,
      maxBuffer: 16 << 20,
    });
    const run = await exec('npx', ['--no-install', 'mesh-assure', 'run', '--cases', 'handshake', '--json'], {
      cwd: supplier,
      env,
      maxBuffer: 16 << 20,
    }).catch((e: { stdout: string; stderr: string; code: number }) => e);
    const out = JSON.parse(run.stdout) as { bundle: string; summary: { passed: number } };
    expect(out.summary.passed, run.stderr.slice(-2000)).toBe(1);
    expect(out.bundle.startsWith(join(supplier, 'reports', 'evidence'))).toBe(true);
    expect(existsSync(out.bundle)).toBe(true);
    expect(readdirSync(join(supplier, 'reports'))).toEqual(
      expect.arrayContaining(['results.json', 'state', 'evidence']),
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
