/**
 * The `relayChat.*` settings: reading them, and asking for the server URL and user name when
 * they are not set yet (the answer is written to the global settings, so it is asked once).
 */
import * as os from 'node:os';
import * as vscode from 'vscode';
import { suggestUserName, validateServerUrl, validateUserName } from './model/validation';

const SECTION = 'relayChat';

export type NotificationsSetting = 'all' | 'private' | 'none';

export interface ConnectionSettings {
  serverUrl: string;
  userName: string;
}

function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SECTION);
}

export function notificationsSetting(): NotificationsSetting {
  const value = config().get<string>('notifications');
  return value === 'all' || value === 'none' ? value : 'private';
}

export function autoConnectSetting(): boolean {
  return config().get<boolean>('autoConnect') === true;
}

/** A value the user chose somewhere (not just the default), if any. */
function explicitValue(key: string): string | undefined {
  const inspected = config().inspect<string>(key);
  return inspected?.workspaceFolderValue ?? inspected?.workspaceValue ?? inspected?.globalValue;
}

/** Every value the setting has (its default, the user's, the workspace's, the folder's), trimmed. */
export function everyValueOf(key: 'serverUrl' | 'userName'): string[] {
  const inspected = config().inspect<string>(key);
  const values = [inspected?.defaultValue, inspected?.globalValue, inspected?.workspaceValue, inspected?.workspaceFolderValue];
  return values.flatMap((value) => (typeof value === 'string' && value.trim() ? [value.trim()] : []));
}

/** The settings to connect with, asking for what is missing or invalid; undefined if cancelled. */
export async function resolveConnectionSettings(): Promise<ConnectionSettings | undefined> {
  let serverUrl = explicitValue('serverUrl')?.trim();
  if (!serverUrl || validateServerUrl(serverUrl)) {
    serverUrl = await ask({
      title: 'Relay Chat: Server',
      prompt: 'WebSocket URL of the Relay Chat server',
      value: serverUrl || config().get<string>('serverUrl') || '',
      validateInput: validateServerUrl,
    });
    if (serverUrl === undefined) return undefined;
    await config().update('serverUrl', serverUrl, vscode.ConfigurationTarget.Global);
  }
  let userName = explicitValue('userName')?.trim();
  if (!userName || validateUserName(userName)) {
    userName = await askUserName('Your name in the chat', userName || suggestUserName(os.userInfo().username));
    if (userName === undefined) return undefined;
  }
  return { serverUrl, userName };
}

/** Asks for a user name and remembers it; undefined if cancelled. */
export async function askUserName(prompt: string, value: string): Promise<string | undefined> {
  const userName = await ask({ title: 'Relay Chat: Name', prompt, value, validateInput: validateUserName });
  if (userName !== undefined) await config().update('userName', userName, vscode.ConfigurationTarget.Global);
  return userName;
}

async function ask(options: vscode.InputBoxOptions): Promise<string | undefined> {
  const answer = await vscode.window.showInputBox({ ...options, ignoreFocusOut: true });
  return answer?.trim();
}
