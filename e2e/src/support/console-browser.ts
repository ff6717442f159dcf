import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { REPO_ROOT } from './run-state';

/** Debian's chromium (browser downloads are not possible here); `.ci/run` installs it when missing. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Headless on a closed network: without the networking flags it keeps trying to reach Google. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Builds the console as the issuer serves it (`apps/console/dist`). */
export function buildConsole(): void {
  execFileSync('npx', ['--no', '--', 'vite', 'build', '--logLevel', 'warn'], {
    cwd: resolve(REPO_ROOT, 'apps/console'),
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: 'inherit',
  });
}

/** A fresh browser profile with one page on the console's origin; `close` removes the profile too. */
export interface ConsoleBrowser {
  readonly context: BrowserContext;
  readonly page: Page;
  close(): Promise<void>;
}

export async function openConsoleBrowser(baseURL: string): Promise<ConsoleBrowser> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'latchkey-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1440, height: 900 },
    reducedMotion: 'reduce',
    baseURL,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(10_000);
  return {
    context,
    page,
    close: async () => {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}
