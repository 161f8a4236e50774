/** Without a browser, the browser tests fail naming the one command that installs one. */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';

const HELPER = fileURLToPath(new URL('./browser.ts', import.meta.url));

test('with no system Chromium and no Playwright browser, the failure names the install command', async () => {
  // A child process, so that Playwright looks for its own browsers in an empty folder.
  const script = `const { launchChromium } = await import(${JSON.stringify(HELPER)}); await launchChromium(['/nonexistent/chromium']);`;
  const run = promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    env: { ...process.env, PLAYWRIGHT_BROWSERS_PATH: mkdtempSync(join(tmpdir(), 'no-browsers-')) },
  });
  const error = (await run.then(
    () => undefined,
    (e: unknown) => e,
  )) as { stderr?: string } | undefined;
  expect(error?.stderr).toContain(
    "no Chromium to open the bundle in: none at /nonexistent/chromium, and Playwright's own is not installed. Install it with: npx playwright install --with-deps chromium",
  );
});
