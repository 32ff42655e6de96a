/**
 * What `activate` returns: a small read-only window onto the extension for the extension-host
 * tests. Each answer comes from the piece the user sees (the tree's items, the status bar's
 * text, the views the panels were last sent), not from a separate copy of the state.
 */
import * as vscode from 'vscode';
import type { ChatPanelManager } from './chat-panel-manager';
import type { ConnectionManager } from './connection-manager';
import type { UserEntry } from './model/chat-model';
import type { StatusBarController } from './status-bar';
import type { UsersTreeProvider } from './users-tree';
import type { ConversationRef, MessageStatus } from './webview-protocol';

export interface RelayChatTestApi {
  connectionState(): string;
  statusBarText(): string;
  /** The command a click on the status bar item runs. */
  statusBarCommand(): string | undefined;
  users(): { label: string; description?: string; icon?: string }[];
  badge(): number | undefined;
  panels(): {
    conversation: ConversationRef;
    title: string;
    /** The tab icon's files, for light and dark themes. */
    icon: { light: string; dark: string } | undefined;
    visible: boolean;
    connection: string | undefined;
    messages: { from: string; text: string; status: MessageStatus }[];
  }[];
}

export function createTestApi(parts: {
  connection: ConnectionManager;
  usersTree: UsersTreeProvider;
  usersView: vscode.TreeView<UserEntry>;
  statusBar: StatusBarController;
  panels: ChatPanelManager;
}): RelayChatTestApi {
  return {
    connectionState: () => parts.connection.model?.connection.state ?? 'disconnected',
    statusBarText: () => parts.statusBar.text,
    statusBarCommand: () => parts.statusBar.command,
    users: () =>
      parts.usersTree.getChildren().map((user) => {
        const item = parts.usersTree.getTreeItem(user);
        const icon = item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : undefined;
        return {
          label: String(item.label),
          ...(typeof item.description === 'string' ? { description: item.description } : {}),
          ...(icon ? { icon } : {}),
        };
      }),
    badge: () => parts.usersView.badge?.value,
    panels: () =>
      parts.panels.all().map((panel) => ({
        conversation: panel.conversation,
        title: panel.panel.title,
        icon: tabIconFiles(panel.panel.iconPath),
        visible: panel.panel.visible,
        connection: panel.view?.connection.state,
        messages: (panel.view?.entries ?? []).flatMap((entry) =>
          entry.kind === 'message' ? [{ from: entry.from, text: entry.text, status: entry.status }] : [],
        ),
      })),
  };
}

function tabIconFiles(icon: vscode.WebviewPanel['iconPath']): { light: string; dark: string } | undefined {
  if (!icon) return undefined;
  return icon instanceof vscode.Uri ? { light: icon.fsPath, dark: icon.fsPath } : { light: icon.light.fsPath, dark: icon.dark.fsPath };
}
