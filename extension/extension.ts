/**
 * Relay Chat for VS Code: wires the pieces together.
 *
 * Why activation is light: package.json activates on `onStartupFinished`, so this runs in every
 * window, chat or not, because `relayChat.autoConnect` must be able to connect at startup and
 * VS Code cannot make activation depend on a setting. So activation only registers the view,
 * status bar, panel serializers and commands; the connection code (client, ws), zod with every
 * schema, and the markdown parser load on first use (dynamic imports: the first connect,
 * command, panel message or notification), and nothing connects until Chat: Connect unless
 * autoConnect is on. The view and the commands would activate the extension by themselves
 * (VS Code derives onView/onCommand from their contributions); webview panels are no
 * contribution, so `onWebviewPanel:*` stays listed for a reload to bring panels back at once,
 * and so does `onUri`, for an invite link opened in a window where nothing activated it yet.
 */
import * as vscode from 'vscode';
import { ChatPanelManager } from './chat-panel-manager';
import { CodeAnchors } from './code-anchors/code-anchors';
import { CONVERSATION_VIEW_TYPE, LEGACY_GROUP_VIEW_TYPE, LEGACY_PRIVATE_VIEW_TYPE } from './chat-panel';
import { ChatPanelSerializer } from './chat-panel-serializer';
import { registerCommands } from './commands';
import { ConnectionManager } from './connection-manager';
import { InviteLinkHandler } from './invite-handler';
import { NotificationController } from './notifications';
import { autoConnectSetting } from './settings';
import { StatusBarController } from './status-bar';
import { createTestApi, type RelayChatTestApi } from './test-api';
import { UnreadBadge } from './unread-badge';
import { MutedChannels } from './model/muted-channels';
import { BadgeDecorations, SidebarTreeProvider } from './sidebar-tree';

export function activate(context: vscode.ExtensionContext): RelayChatTestApi {
  const log = vscode.window.createOutputChannel('Relay Chat', { log: true });
  const connection = new ConnectionManager(context.secrets, log);
  const codeAnchors = new CodeAnchors();
  const panels = new ChatPanelManager(context.extensionUri, connection, log, codeAnchors);
  const muted = new MutedChannels(context.globalState);
  const sidebar = new SidebarTreeProvider(connection, muted);
  // The view keeps the id it had as Online Users: layouts and keybindings people saved still find it.
  const sidebarView = vscode.window.createTreeView('relayChat.users', { treeDataProvider: sidebar });
  const statusBar = new StatusBarController(connection);
  const inviteLinks = new InviteLinkHandler(connection);

  context.subscriptions.push(
    log,
    connection,
    codeAnchors,
    panels,
    muted,
    sidebar,
    sidebarView,
    vscode.window.registerFileDecorationProvider(new BadgeDecorations()),
    statusBar,
    new UnreadBadge(sidebarView, sidebar),
    new NotificationController(connection, panels, muted),
    ...[CONVERSATION_VIEW_TYPE, LEGACY_GROUP_VIEW_TYPE, LEGACY_PRIVATE_VIEW_TYPE].map((viewType) =>
      vscode.window.registerWebviewPanelSerializer(viewType, new ChatPanelSerializer(panels, viewType)),
    ),
    vscode.window.registerUriHandler(inviteLinks),
  );
  registerCommands(context, connection, panels, muted);

  if (autoConnectSetting()) void connection.connect();
  return createTestApi({ connection, sidebar, sidebarView, statusBar, panels, inviteLinks, codeAnchors, extensionMode: context.extensionMode });
}
