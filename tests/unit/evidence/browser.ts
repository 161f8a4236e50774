/**
 * The Chromium the bundle tests open pages in: Debian's package where it is installed, else Playwright's
 * own. With neither, the failure names the one command that installs a browser.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const SYSTEM_CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
export const INSTALL_CHROMIUM = 'npx playwright install --with-deps chromium';

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export async function launchChromium(system: readonly string[] = SYSTEM_CHROMIUM): Promise<Browser> {
  const executablePath = system.find((path) => existsSync(path));
  try {
    return await chromium.launch({ executablePath, args: ARGS });
  } catch (error) {
    if (executablePath || !/Executable doesn't exist/.test(String(error))) throw error;
    throw new Error(
      `no Chromium to open the bundle in: none at ${system.join(' or ')}, and Playwright's own is not installed. Install it with: ${INSTALL_CHROMIUM}`,
    );
  }
}
