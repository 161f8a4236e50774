/**
 * A second embedded sandbox with mutual TLS, given to the pack as a URL target: the settings a supplier
 * would give for INT, so the pack plays INT (no admin API, real time) against a real server it can inspect.
 * Its passwords and shared key are fresh random values, not the sandbox's published ones: on a URL target
 * they are secrets, and the bundle's secret scan looks for them.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base } from '@playwright/test';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.ts';
import { sandboxAsUrlTarget, URL_TARGET_MAILBOXES } from './pack-environment.ts';

export { URL_TARGET_MAILBOXES };

export interface UrlTarget {
  sandbox: RunningSandbox;
  /** The pack's settings for it (MESH_TARGET, certificates, mailboxes and their passwords). */
  settings: Record<string, string>;
}

/** Starts the target with its data in `dir`. */
async function startUrlTarget(dir: string): Promise<UrlTarget> {
  const { sut, peer, dormant } = URL_TARGET_MAILBOXES;
  const password = Object.fromEntries([sut, peer, dormant].map((id) => [id, randomBytes(12).toString('hex')]));
  const configFile = join(dir, 'mailboxes.json');
  // The same ids replace the default mailboxes: only the passwords change.
  writeFileSync(
    configFile,
    JSON.stringify({
      mailboxes: Object.entries(password).map(([id, secret]) => ({
        mailbox_id: id,
        password: secret,
        ods_code: 'X26',
      })),
    }),
  );
  const sandbox = await startSandbox({
    tls: 'mtls',
    port: 0,
    dataDir: join(dir, 'sandbox'),
    configFile,
    sharedKey: randomBytes(12).toString('hex'),
  });
  return {
    sandbox,
    settings: {
      ...sandboxAsUrlTarget(sandbox),
      MESH_MAILBOX_PASSWORD: password[sut]!,
      MESH_PEER_MAILBOX_PASSWORD: password[peer]!,
    },
  };
}

/** A test with `urlTarget`: a fresh target for the test, stopped and its folder removed after it. */
export const test = base.extend<{ urlTarget: UrlTarget; workDir: string }>({
  workDir: async ({}, use) => {
    const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'mesh-assure-url-target-'));
    await use(dir);
    rmSync(dir, { recursive: true, force: true });
  },
  urlTarget: async ({ workDir }, use) => {
    const target = await startUrlTarget(workDir);
    await use(target);
    await target.sandbox.close();
  },
});
