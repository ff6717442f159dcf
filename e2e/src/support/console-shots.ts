import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { REPO_ROOT } from './run-state';

/** Where the console specs put their screenshots; `CONSOLE_SCREENSHOTS=docs/console` refreshes the docs'. */
export const SHOTS_DIR = resolve(REPO_ROOT, process.env.CONSOLE_SCREENSHOTS ?? '.local/console-screenshots');

/** `screenshotPage` into SHOTS_DIR as `<name>.png`. */
export async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS_DIR, { recursive: true });
  await screenshotPage(page, join(SHOTS_DIR, `${name}.png`));
}

/** No screenshot taller than this (a runaway page would otherwise make a huge image). */
const MAX_HEIGHT = 6_000;

/**
 * A screenshot of the whole page, for docs/console. Playwright's `fullPage` scrolls and stitches, and the
 * console's header and navigation are fixed: on a page taller than the window, the header showed up again
 * in the middle of the picture. Instead the window grows to the page's height for the capture (nothing
 * scrolls, the fixed parts are drawn once), then returns to its size.
 */
export async function screenshotPage(page: Page, path: string): Promise<void> {
  const viewport = page.viewportSize() ?? { width: 1440, height: 900 };
  const height = Number(
    await page.evaluate('Math.max(document.documentElement.scrollHeight, document.body.scrollHeight)'),
  );
  if (!(height > viewport.height)) {
    await page.screenshot({ path });
    return;
  }
  await page.setViewportSize({ width: viewport.width, height: Math.min(height, MAX_HEIGHT) });
  try {
    // The layout follows the new height (the navigation's 100dvh) within a few frames.
    await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => resolve(null)))');
    await page.waitForTimeout(150);
    await page.screenshot({ path });
  } finally {
    await page.setViewportSize(viewport);
  }
}
