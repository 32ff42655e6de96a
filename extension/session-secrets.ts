/**
 * The secret `session` that owns a name on a server, kept in VS Code's SecretStorage (never in
 * settings) so the same name can be used again after a restart.
 */
import type * as vscode from 'vscode';
import { nameKey } from '../protocol/limits';

export class SessionSecrets {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  get(serverUrl: string, userName: string): Thenable<string | undefined> {
    return this.secrets.get(secretKey(serverUrl, userName));
  }

  store(serverUrl: string, userName: string, session: string): Thenable<void> {
    return this.secrets.store(secretKey(serverUrl, userName), session);
  }
}

function secretKey(serverUrl: string, userName: string): string {
  return `relayChat.session:${serverUrl}#${nameKey(userName)}`;
}
