/**
 * What `activate` returns: a small read-only window onto the extension for the extension-host
 * tests. Each answer comes from the piece the user sees (the tree's items, the status bar's
 * text, the views the panels were last sent), not from a separate copy of the state.
 */
import * as vscode from 'vscode';
import type { ChatPanelManager } from './chat-panel-manager';
import type { ConnectionManager } from './connection-manager';
import type { InviteLinkHandler } from './invite-handler';
import type { TreeRow } from './model/tree-rows';
import type { StatusBarController } from './status-bar';
import { BadgeDecorations, type SidebarTreeProvider } from './sidebar-tree';
import type { Conversation } from './model/address';
import type { Attachment } from '../protocol/attachments';
import { conversationKey } from './model/address';
import type { MessageStatus } from './webview-protocol';

export interface SidebarRowView {
  label: string;
  description?: string;
  icon?: string;
  highlighted?: true;
  badge?: string;
}

export interface RelayChatTestApi {
  connectionState(): string;
  statusBarText(): string;
  statusBarTooltip(): string;
  /** The command a click on the status bar item runs. */
  statusBarCommand(): string | undefined;
  /**
   * The sidebar's sections (Channels, Direct Messages, Online) and their rows; `highlighted`
   * while the row has something to read, `badge` as drawn at its right edge.
   */
  sidebar(): { section: string; rows: SidebarRowView[] }[];
  badge(): number | undefined;
  panels(): {
    conversation: Conversation;
    title: string;
    /** The tab icon's files, for light and dark themes. */
    icon: { light: string; dark: string } | undefined;
    visible: boolean;
    connection: string | undefined;
    messages: { from: string; text: string; status: MessageStatus; attachments?: Attachment[] }[];
    /** A channel panel's header: its topic and members. */
    channel: { topic: string; private: boolean; members?: string[] } | undefined;
    mentionable: string[];
    /** (code anchors) What waits in the message box to go with the next message. */
    staged: Attachment[];
  }[];
  /**
   * Hands `message` to the conversation's panel as if its webview had posted it (`send` with the
   * note typed, `unstage`): the webview's own page cannot be driven from the extension host.
   * Resolves once the panel has handled it.
   */
  fromWebview(conversation: Conversation, message: unknown): Promise<void>;
  /** Hands a URI to the extension's URI handler, as VS Code does for vscode://relay-chat.relay-chat/…; resolves when it is done. */
  openUri(uri: vscode.Uri): Promise<void>;
  /**
   * The session book as kept in the secret storage, only while the extension runs under test
   * (ExtensionMode.Test): what activate returns is open to every other extension.
   */
  storedSessionBook(): Promise<string | undefined>;
}

export function createTestApi(parts: {
  connection: ConnectionManager;
  sidebar: SidebarTreeProvider;
  sidebarView: vscode.TreeView<TreeRow>;
  statusBar: StatusBarController;
  panels: ChatPanelManager;
  inviteLinks: InviteLinkHandler;
  extensionMode: vscode.ExtensionMode;
}): RelayChatTestApi {
  return {
    connectionState: () => parts.connection.model?.connection.state ?? 'disconnected',
    statusBarText: () => parts.statusBar.text,
    statusBarTooltip: () => parts.statusBar.tooltip,
    statusBarCommand: () => parts.statusBar.command,
    sidebar: () => {
      const row = (element: TreeRow): SidebarRowView => rowView(parts.sidebar.getTreeItem(element));
      return parts.sidebar.getChildren().map((section) => ({
        section: String(parts.sidebar.getTreeItem(section).label),
        rows: parts.sidebar.getChildren(section).map(row),
      }));
    },
    badge: () => parts.sidebarView.badge?.value,
    panels: () =>
      parts.panels.all().map((panel) => ({
        conversation: panel.conversation,
        title: panel.panel.title,
        icon: tabIconFiles(panel.panel.iconPath),
        visible: panel.panel.visible,
        connection: panel.view?.connection.state,
        messages: (panel.view?.entries ?? []).flatMap((entry) =>
          entry.kind === 'message'
            ? [{ from: entry.from, text: entry.text, status: entry.status, ...(entry.attachments ? { attachments: entry.attachments } : {}) }]
            : [],
        ),
        channel: panel.view?.channel,
        mentionable: panel.view?.mentionable ?? [],
        staged: panel.view?.staged ?? [],
      })),
    fromWebview: async (conversation, message) => {
      const panel = parts.panels.all().find((candidate) => candidate.key === conversationKey(conversation));
      if (!panel) throw new Error(`no panel of ${conversationKey(conversation)} is open`);
      await panel.onWebviewMessage(message);
    },
    openUri: (uri) => parts.inviteLinks.handleUri(uri),
    storedSessionBook: async () => {
      if (parts.extensionMode !== vscode.ExtensionMode.Test) throw new Error('only under test');
      return parts.connection.storedSessionBook();
    },
  };
}

function tabIconFiles(icon: vscode.WebviewPanel['iconPath']): { light: string; dark: string } | undefined {
  if (!icon) return undefined;
  return icon instanceof vscode.Uri ? { light: icon.fsPath, dark: icon.fsPath } : { light: icon.light.fsPath, dark: icon.dark.fsPath };
}

function rowView(item: vscode.TreeItem): SidebarRowView {
  const icon = item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : undefined;
  const label = typeof item.label === 'object' ? item.label : { label: String(item.label) };
  const badge = item.resourceUri ? new BadgeDecorations().provideFileDecoration(item.resourceUri)?.badge : undefined;
  return {
    label: label.label,
    ...(label.highlights?.length ? { highlighted: true as const } : {}),
    ...(typeof item.description === 'string' ? { description: item.description } : {}),
    ...(icon ? { icon } : {}),
    ...(badge ? { badge } : {}),
  };
}
