/** Shared by the extension-host suite files: waiting for a state, and the servers' details from the environment. */
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { RelayChatTestApi } from '../../extension/test-api';

export const EXTENSION_ID = 'relay-chat.relay-chat';

export async function eventually<T>(probe: () => T | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** What the launcher (test/vscode/extension-host.test.ts) passes in the environment. */
export function fromEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: start the relay servers as test/vscode/extension-host.test.ts does`);
  return value;
}

export function serverUrl(): string {
  return fromEnv('RELAY_CHAT_TEST_SERVER_URL');
}

export async function activateExtension(): Promise<RelayChatTestApi> {
  const extension = vscode.extensions.getExtension<RelayChatTestApi>(EXTENSION_ID);
  if (!extension) throw new Error(`${EXTENSION_ID} is not installed`);
  return extension.activate();
}

export function settings(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('relayChat');
}

/**
 * Has the launcher photograph the workbench as NAME.png in RELAY_CHAT_TEST_OUTPUT_DIR (see
 * test/harness/extension-host-tests.ts) and waits until the file is there; without that
 * directory (another runner) there is nobody to take it, and this does nothing.
 */
export async function screenshot(name: string): Promise<void> {
  const dir = process.env.RELAY_CHAT_TEST_OUTPUT_DIR;
  if (!dir) return;
  const file = path.join(dir, `${name}.png`);
  rmSync(file, { force: true });
  // A moment for the editor to paint what the test just did.
  await new Promise((resolve) => setTimeout(resolve, 500));
  console.log(`screenshot: ${name}`);
  await eventually(() => existsSync(file), `the screenshot ${name}`, 15_000);
}

/** Whether the launcher carries out the suite's requests to the page (screenshots, webview clicks): code-server's does. */
export function workbenchDriven(): boolean {
  return process.env.RELAY_CHAT_TEST_OUTPUT_DIR !== undefined;
}

/** Has the launcher click the first element matching `selector` in the visible webview (see test/harness/suite-requests.ts). */
export function webviewClick(selector: string): void {
  if (!workbenchDriven()) throw new Error('no launcher here clicks in webviews');
  console.log(`webview-click: ${selector}`);
}
