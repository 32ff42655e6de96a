/** Shared by the extension-host suite files: waiting for a state, and the servers' details from the environment. */
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
