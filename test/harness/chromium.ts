// Debian's chromium, headless, driven by playwright-core (Playwright's own browser download cannot
// reach its servers from these machines).
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { chromiumBin } from './paths';
import { makeRunDir, removeRunDir } from './run-dir';

export interface Chromium {
  readonly context: BrowserContext;
  /** The context's first tab. */
  readonly page: Page;
  /** Closes the browser and deletes its profile folder. */
  close(): Promise<void>;
}

// playwright-core itself adds --headless (headless: true) and --no-sandbox (its default
// chromiumSandbox: false, needed as root), the two other flags the notes list.
const chromiumArgs = [
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchChromium(viewport = { width: 1280, height: 800 }): Promise<Chromium> {
  const executablePath = chromiumBin();
  const profileDir = makeRunDir('chromium');
  const home = path.join(profileDir, 'home');
  try {
    // A persistent context, because chromium's own --user-data-dir is refused in args; HOME and XDG
    // point into the same fresh folder so nothing is read from or left in the real home.
    const context = await chromium.launchPersistentContext(path.join(profileDir, 'profile'), {
      executablePath,
      headless: true,
      args: chromiumArgs,
      env: { ...process.env, HOME: home, XDG_CACHE_HOME: path.join(home, '.cache'), XDG_CONFIG_HOME: path.join(home, '.config') },
      viewport,
    });
    const page = context.pages()[0] ?? (await context.newPage());
    return {
      context,
      page,
      async close() {
        await context.close();
        removeRunDir(profileDir);
      },
    };
  } catch (error) {
    removeRunDir(profileDir);
    throw new Error(`chromium (${executablePath}) did not start: ${(error as Error).message}`);
  }
}
