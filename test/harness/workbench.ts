// Driving the VS Code workbench in the browser the way a user does. Selectors are VS Code 1.100's
// DOM (code-server 4.100.3); they are the part most likely to change with a newer VS Code.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import type { CodeServer } from './code-server';
import { testOutputDir } from './paths';

/** Opens the workbench on `folder` and waits until the activity bar is drawn. */
export async function openWorkbench(page: Page, server: CodeServer, folder?: string): Promise<void> {
  await page.goto(server.workbenchUrl(folder));
  await page.locator('.monaco-workbench .activitybar').waitFor({ timeout: 30_000 });
}

function exactText(text: string): RegExp {
  return new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}

/**
 * F1, types `title` (as the palette shows it, category included: "Relay: Connect"), and presses
 * Enter once the highlighted entry is exactly that command, so a half-loaded list cannot run
 * another one. The palette lists the commands known when it opens, and extensions register theirs
 * a few seconds after the workbench appears, so it is reopened until the command shows up.
 */
export async function runCommand(page: Page, title: string, timeoutMs = 30_000): Promise<void> {
  await startCommand(page, title, timeoutMs);
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/** Picks the command in the palette and leaves at once: for a command that opens a prompt of its own. */
export async function startCommand(page: Page, title: string, timeoutMs = 30_000): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('.quick-input-box input');
  const labels = widget.locator('.quick-input-list .monaco-list-row .label-name');
  const focusedMatch = widget
    .locator('.quick-input-list .monaco-list-row.focused .label-name')
    .filter({ hasText: exactText(title) });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible' });
    // F1 opens the palette with ">" typed; keeping it makes the list show commands.
    await input.fill(`>${title}`);
    try {
      await focusedMatch.waitFor({ timeout: 2_000 });
      break;
    } catch {
      const shown = await labels.allInnerTexts();
      await page.keyboard.press('Escape');
      await widget.waitFor({ state: 'hidden' });
      if (Date.now() > deadline) {
        throw new Error(`the command palette shows no command "${title}" on top within ${timeoutMs} ms; it shows ${JSON.stringify(shown)}`);
      }
    }
  }
  await input.press('Enter');
}

/**
 * Shows the view container whose activity-bar entry is labelled `containerTitle` (the
 * viewsContainers title) unless it is already showing: clicking a showing one would hide it.
 */
export async function openViewContainer(page: Page, containerTitle: string): Promise<void> {
  // Built-in entries add their keybinding to the label: "Explorer (Ctrl+Shift+E)".
  const title = JSON.stringify(containerTitle);
  const withKeybinding = JSON.stringify(`${containerTitle} (`);
  const label = page.locator(`.action-label[aria-label=${title}], .action-label[aria-label^=${withKeybinding}]`);
  const entry = page.locator('.activitybar li.action-item').filter({ has: label });
  if ((await entry.getAttribute('aria-selected')) !== 'true') await entry.click();
}

/** The row labelled exactly `label` in the view named `viewName` (the views entry's name). */
export function treeRow(page: Page, viewName: string, label: string): Locator {
  const pane = page.locator('.pane').filter({ has: page.locator('.pane-header h3.title', { hasText: exactText(viewName) }) });
  return pane.locator('.monaco-list-row').filter({ has: page.locator('.label-name', { hasText: exactText(label) }) });
}

/**
 * Clicks a tree row and waits for `opened`, what its command shows. A row clicked just as the
 * tree refreshes (someone's presence changed) runs a command VS Code has already let go of with
 * the old row: it says "Actual command not found" and nothing opens. A user clicks again; so
 * does this, after clearing that notification. Anything else is a failure.
 */
export async function clickRow(page: Page, row: Locator, opened: Locator, attempts = 3): Promise<void> {
  const stale = page.locator('.notification-toast', { hasText: 'Actual command not found' });
  for (let attempt = 1; ; attempt++) {
    await row.click();
    // The wait that loses the race times out later on its own; it must not reject unhandled.
    const outcome = await Promise.race([
      opened.waitFor({ timeout: 20_000 }).then(() => 'opened' as const, () => 'nothing' as const),
      stale.first().waitFor({ timeout: 20_000 }).then(() => 'stale' as const, () => 'nothing' as const),
    ]);
    if (outcome === 'opened') return;
    if (outcome === 'nothing') throw new Error('clicking the row opened nothing within 20 s');
    if (attempt >= attempts) throw new Error(`clicking the row ran a command VS Code no longer had, ${attempts} times`);
    await runCommand(page, 'Notifications: Clear All Notifications');
  }
}

/**
 * The content of the webview that is showing: a webview is two nested iframes, and only the
 * inner `#active-frame` holds the extension's HTML. With several webviews on screen, narrow
 * `iframe.webview.ready` first.
 */
export function webviewFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

/**
 * Saves a screenshot as test-output/`name`.png and returns its path: of the whole window, or of
 * one element (a close-up, e.g. of a webview's composer or an editor tab).
 */
export async function saveScreenshot(target: Page | Locator, name: string): Promise<string> {
  mkdirSync(testOutputDir, { recursive: true });
  const file = path.join(testOutputDir, `${name}.png`);
  await target.screenshot({ path: file });
  return file;
}
