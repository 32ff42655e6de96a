/**
 * Relay Chat for VS Code: wires the pieces together. Activation only registers them; nothing
 * connects until Chat: Connect, unless `relayChat.autoConnect` is on.
 */
import * as vscode from 'vscode';
import { ChatPanelManager } from './chat-panel-manager';
import { GROUP_VIEW_TYPE, PRIVATE_VIEW_TYPE } from './chat-panel';
import { ChatPanelSerializer } from './chat-panel-serializer';
import { registerCommands } from './commands';
import { ConnectionManager } from './connection-manager';
import { NotificationController } from './notifications';
import { SessionSecrets } from './session-secrets';
import { autoConnectSetting } from './settings';
import { StatusBarController } from './status-bar';
import { createTestApi, type RelayChatTestApi } from './test-api';
import { UnreadBadge } from './unread-badge';
import { UsersTreeProvider } from './users-tree';

export function activate(context: vscode.ExtensionContext): RelayChatTestApi {
  const log = vscode.window.createOutputChannel('Relay Chat', { log: true });
  const connection = new ConnectionManager(new SessionSecrets(context.secrets), log);
  const panels = new ChatPanelManager(context.extensionUri, connection, log);
  const usersTree = new UsersTreeProvider(connection);
  const usersView = vscode.window.createTreeView('relayChat.users', { treeDataProvider: usersTree });
  const statusBar = new StatusBarController(connection);

  context.subscriptions.push(
    log,
    connection,
    panels,
    usersTree,
    usersView,
    statusBar,
    new UnreadBadge(usersView, connection),
    new NotificationController(connection, panels),
    vscode.window.registerWebviewPanelSerializer(GROUP_VIEW_TYPE, new ChatPanelSerializer(panels, GROUP_VIEW_TYPE)),
    vscode.window.registerWebviewPanelSerializer(PRIVATE_VIEW_TYPE, new ChatPanelSerializer(panels, PRIVATE_VIEW_TYPE)),
  );
  registerCommands(context, connection, panels);

  if (autoConnectSetting()) void connection.connect();
  return createTestApi({ connection, usersTree, usersView, statusBar, panels });
}
