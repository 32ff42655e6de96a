/**
 * Opens invite links (`vscode://relay-chat.relay-chat/invite?server=…&code=…`, see
 * model/invite-link.ts): shows the server and asks whether to join, then a name, a password and
 * the password again, and connects with the invite. The settings change only once the server
 * welcomes the new account (ConnectionManager's confirmTyped).
 */
import * as os from 'node:os';
import * as vscode from 'vscode';
import type { ConnectionManager } from './connection-manager';
import { parseInviteLink } from './model/invite-link';
import { oneLine } from './model/one-line';
import { SERVER_TEXT_MAX } from './model/refusal';
import { suggestUserName } from './model/validation';
import { askNewPassword } from './password-prompts';
import { askUserName } from './settings';

export class InviteLinkHandler implements vscode.UriHandler {
  constructor(private readonly connection: ConnectionManager) {}

  async handleUri(uri: vscode.Uri): Promise<void> {
    const link = parseInviteLink(uri.path, uri.query);
    if ('problem' in link) {
      void vscode.window.showErrorMessage(`Relay Chat: ${link.problem}`);
      return;
    }
    const server = oneLine(link.serverUrl, SERVER_TEXT_MAX);
    const choice = await vscode.window.showInformationMessage(
      `Join the Relay Chat server ${server}?`,
      {
        modal: true,
        detail: `You were invited. Next you pick a name and a password for your new account there.${
          link.serverUrl.startsWith('ws://') ? ' The connection is not encrypted (ws://).' : ''
        }`,
      },
      'Join',
    );
    if (choice !== 'Join') return;
    const userName = await askUserName(`Your name on ${server}`, suggestUserName(os.userInfo().username), { index: 1, count: 3 });
    if (userName === undefined) return;
    const password = await askNewPassword({
      title: 'Relay Chat: Password',
      prompt: `A password for "${userName}" (8 to 1,024 characters): it signs you in on other devices`,
      first: 2,
      count: 3,
    });
    if (password === undefined) return;
    await this.connection.joinWithInvite({ serverUrl: link.serverUrl, userName, invite: link.code, password });
  }
}
