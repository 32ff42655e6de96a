/**
 * Chat: Disable User… and Chat: Enable User…, for admins: the connected client asks the server,
 * which closes a disabled user's devices wherever they are. The name comes from the tree row
 * the command was run on, else from an input box (a disabled user is offline, so not in the tree).
 */
import * as vscode from 'vscode';
import type { ConnectionManager } from './connection-manager';
import { oneLine } from './model/one-line';
import { SERVER_TEXT_MAX } from './model/refusal';
import { validateUserName } from './model/validation';
import { askStep } from './input-step';

export async function setUserDisabled(connection: ConnectionManager, disabled: boolean, named: string | undefined): Promise<void> {
  const client = connection.model?.connection.state === 'online' ? connection.model.client : undefined;
  if (!client) {
    void vscode.window.showWarningMessage(`Relay Chat: connect first to ${disabled ? 'disable' : 'enable'} a user.`);
    return;
  }
  if (client.accountState?.admin !== true) {
    void vscode.window.showWarningMessage(`Relay Chat: only an admin can ${disabled ? 'disable' : 'enable'} users.`);
    return;
  }
  const name =
    named ??
    (await askStep({
      title: `Relay Chat: ${disabled ? 'Disable' : 'Enable'} User`,
      prompt: disabled ? 'Who may no longer sign in? Their devices are disconnected at once.' : 'Whose account should work again?',
      value: '',
      check: (text) => {
        const problem = validateUserName(text.trim());
        return problem ? { problem } : { value: text.trim() };
      },
    }));
  if (name === undefined) return;
  if (disabled) {
    const choice = await vscode.window.showWarningMessage(
      `Disable "${name}"?`,
      { modal: true, detail: 'Their devices are disconnected now and cannot sign in until an admin enables the account again. The name and history stay.' },
      'Disable',
    );
    if (choice !== 'Disable') return;
  }
  try {
    const reply = await client.setUserDisabled(name, disabled);
    void vscode.window.showInformationMessage(`Relay Chat: "${reply.name}" is ${reply.disabled ? 'disabled' : 'enabled'}.`);
  } catch (error) {
    const why = oneLine(error instanceof Error ? error.message : String(error), SERVER_TEXT_MAX);
    void vscode.window.showErrorMessage(`Relay Chat: could not ${disabled ? 'disable' : 'enable'} "${name}": ${why}.`);
  }
}
