/**
 * The `relayChat.*` settings: reading them, and asking for the server URL and user name when
 * they are not set yet. Answers are written to the global settings only once a server has
 * welcomed them, so a mistyped URL is asked again rather than kept.
 */
import * as os from 'node:os';
import * as vscode from 'vscode';
import { askStep, type InputStep } from './input-step';
import { parseNotificationsSetting, type NotificationsSetting } from './model/notification-policy';
import { serverUrlFrom } from './model/server-url';
import { suggestUserName, validateUserName } from './model/validation';

const SECTION = 'relayChat';


export interface ConnectionSettings {
  serverUrl: string;
  userName: string;
}

function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SECTION);
}

export function notificationsSetting(): NotificationsSetting {
  return parseNotificationsSetting(config().get<string>('notifications'));
}

export function autoConnectSetting(): boolean {
  return config().get<boolean>('autoConnect') === true;
}

/** The team CA certificate file (PEM) to trust for wss://, if one is set. */
export function caFileSetting(): string | undefined {
  return config().get<string>('caFile')?.trim() || undefined;
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

/** What a connection is made with, and which of it was typed into the prompts this time. */
export interface ResolvedSettings {
  settings: ConnectionSettings;
  /** Written to the settings only once a server welcomes them (see saveTypedSettings). */
  typed: Partial<ConnectionSettings>;
  /** Where a password box, if one is needed, comes in the steps just asked. */
  passwordStep?: InputStep['step'];
}

/**
 * The settings to connect with, asking for what is missing or invalid (and for the server
 * when `askServer`), offering `suggested` first: answers typed before that no server has
 * welcomed yet; each answer goes to `remember` as soon as it is given, so one step dismissed
 * does not lose the other. Nothing is written here. Undefined if a prompt was dismissed.
 */
export async function resolveConnectionSettings(options: {
  suggested: Partial<ConnectionSettings>;
  askServer?: boolean;
  remember(answer: Partial<ConnectionSettings>): void;
}): Promise<ResolvedSettings | undefined> {
  const savedUrl = explicitValue('serverUrl');
  const savedAnswer = savedUrl === undefined ? undefined : serverUrlFrom(savedUrl);
  let serverUrl = savedAnswer && 'url' in savedAnswer && !options.askServer ? savedAnswer.url : undefined;
  let userName = explicitValue('userName')?.trim();
  if (userName !== undefined && validateUserName(userName)) userName = undefined;
  const asked = Number(serverUrl === undefined) + Number(userName === undefined);
  // A server or name asked for is most likely new to this device: a password step follows then.
  const count = asked === 0 ? 0 : asked + 1;
  const typed: Partial<ConnectionSettings> = {};
  if (serverUrl === undefined) {
    serverUrl = await askServerUrl(options.suggested.serverUrl ?? savedUrl ?? config().get<string>('serverUrl') ?? '', { index: 1, count });
    if (serverUrl === undefined) return undefined;
    typed.serverUrl = serverUrl;
    options.remember({ serverUrl });
  }
  if (userName === undefined) {
    const suggestion = options.suggested.userName ?? suggestUserName(os.userInfo().username);
    userName = await askUserName('Your name in the chat', suggestion, { index: asked, count });
    if (userName === undefined) return undefined;
    typed.userName = userName;
    options.remember({ userName });
  }
  return { settings: { serverUrl, userName }, typed, ...(count > 0 ? { passwordStep: { index: count, count } } : {}) };
}

/** Answers a server has now welcomed become the user's settings, so the next Connect asks nothing. */
export async function saveTypedSettings(typed: Partial<ConnectionSettings>): Promise<void> {
  for (const key of ['serverUrl', 'userName'] as const) {
    const value = typed[key];
    if (value !== undefined) await config().update(key, value, vscode.ConfigurationTarget.Global);
  }
}

function askServerUrl(value: string, step: InputStep['step']): Promise<string | undefined> {
  return askStep({
    title: 'Relay Chat: Server',
    prompt: 'URL of the Relay Chat server: ws://, wss://, http://, https:// or host:port',
    value,
    step,
    check: (text) => {
      const answer = serverUrlFrom(text);
      if ('problem' in answer) return answer;
      return answer.url === text.trim() ? { value: answer.url } : { value: answer.url, note: `Connects to ${answer.url}` };
    },
  });
}

/** Asks for a user name; undefined if cancelled. */
export function askUserName(prompt: string, value: string, step?: InputStep['step']): Promise<string | undefined> {
  return askStep({
    title: 'Relay Chat: Name',
    prompt,
    value,
    ...(step ? { step } : {}),
    check: (text) => {
      const problem = validateUserName(text.trim());
      return problem ? { problem } : { value: text.trim() };
    },
  });
}
