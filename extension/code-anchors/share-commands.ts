/**
 * Chat: Share Selection to… and Chat: Share Changes…: each makes an attachment, asks where it
 * goes, and stages it in that conversation's message box, where the user can add a note and
 * see it before Enter sends them together.
 */
import * as vscode from 'vscode';
import type { ChatPanelManager } from '../chat-panel-manager';
import type { ConnectionManager } from '../connection-manager';
import { pickConversation } from '../conversation-picker';
import type { Conversation } from '../model/address';
import type { Attachment } from '../../protocol/attachments';
import { captureSelection } from './capture';
import { captureChanges } from './changes-diff';

export interface Sharing {
  connection: ConnectionManager;
  panels: ChatPanelManager;
  /** The current connection, offering to connect when there is none. */
  requireModel(): Promise<ConnectionManager['model']>;
}

export async function shareSelection(sharing: Sharing, target: Conversation | undefined): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.selection.isEmpty) {
    void vscode.window.showWarningMessage('Relay Chat: select some text in an editor to share it.');
    return;
  }
  // Before connecting or asking where to: a selection that cannot be shared goes nowhere.
  const captured = await captureSelection(editor);
  if ('problem' in captured) {
    void vscode.window.showErrorMessage(`Relay Chat: ${captured.problem}`);
    return;
  }
  await stage(sharing, captured.anchor, target, 'Share Selection to…');
}

/** `arg` is what the menu passed: a file's URI, an SCM resource, resource group or source control, or nothing. */
export async function shareChanges(sharing: Sharing, arg: unknown): Promise<void> {
  const captured = await captureChanges(arg);
  if ('cancelled' in captured) return;
  if ('problem' in captured) {
    void vscode.window.showErrorMessage(`Relay Chat: ${captured.problem}`);
    return;
  }
  await stage(sharing, captured.attachment, undefined, 'Share Changes to…');
}

async function stage(sharing: Sharing, attachment: Attachment, target: Conversation | undefined, title: string): Promise<void> {
  const model = await sharing.requireModel();
  if (!model) return;
  const conversation = target ?? (await pickConversation(model, title));
  if (!conversation) return;
  // With focus: the next thing to do is to write the note, or press Enter.
  const panel = sharing.panels.open(conversation);
  const problem = await panel.stage(attachment);
  if (problem) void vscode.window.showErrorMessage(`Relay Chat: ${problem}`);
}
