// What a suite running inside the extension host can ask of the browser that shows the workbench,
// by printing one line: the host has no access to the page, but its console output reaches the
// harness (codeAutomationLog). `screenshot: NAME` saves the page as NAME.png (written aside, then
// renamed, so a suite waiting for the file sees it whole); `webview-click: SELECTOR` clicks the
// first element matching SELECTOR in the visible webview, as a user would.
import { mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { webviewFrame } from './workbench';

export const SCREENSHOT_PREFIX = 'screenshot: ';
export const WEBVIEW_CLICK_PREFIX = 'webview-click: ';

/**
 * Carries out the request in `logged` (what codeAutomationLog got: the workbench passes the
 * host's console arguments, an array, though typed as text), if it is one; a failure is reported through `report`.
 */
export function handleSuiteRequest(page: Page, logged: unknown, screenshotDir: string | undefined, report: (problem: string) => void): void {
  const line = Array.isArray(logged) ? logged.join(' ') : String(logged);
  // Other arguments may come before the request in the line: look for it at the end.
  const shot = new RegExp(`${SCREENSHOT_PREFIX}([A-Za-z0-9-]{1,80})\\s*$`).exec(line)?.[1];
  if (shot !== undefined && screenshotDir) {
    mkdirSync(screenshotDir, { recursive: true });
    const file = path.join(screenshotDir, `${shot}.png`);
    page
      .screenshot({ path: `${file}.part.png` })
      .then(() => renameSync(`${file}.part.png`, file))
      .catch((error: unknown) => report(`screenshot ${shot} failed: ${String(error)}`));
    return;
  }
  const at = line.indexOf(WEBVIEW_CLICK_PREFIX);
  const selector = at >= 0 ? line.slice(at + WEBVIEW_CLICK_PREFIX.length).trim() : '';
  if (selector.length > 0 && selector.length <= 500) {
    webviewFrame(page)
      .locator(selector)
      .first()
      .click({ timeout: 8_000 })
      .catch((error: unknown) => report(`webview click on ${selector} failed: ${String(error)}`));
  }
}
