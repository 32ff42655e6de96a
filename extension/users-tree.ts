/**
 * The Online Users view: who is online (yourself marked "(you)"), with a presence icon and
 * the number of unread private messages; clicking a user opens the private chat.
 */
import * as vscode from 'vscode';
import { nameKey } from '../protocol/limits';
import type { ConnectionManager } from './connection-manager';
import type { UserEntry } from './model/chat-model';

export class UsersTreeProvider implements vscode.TreeDataProvider<UserEntry>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly connection: ConnectionManager) {
    this.subscription = connection.watchModel((model) => {
      this.changed.fire();
      return model ? [model.onDidChangeUsers(() => this.changed.fire())] : [];
    });
  }

  getChildren(element?: UserEntry): UserEntry[] {
    if (element) return [];
    return this.connection.model?.users() ?? [];
  }

  getTreeItem(user: UserEntry): vscode.TreeItem {
    const item = new vscode.TreeItem(user.name, vscode.TreeItemCollapsibleState.None);
    item.id = nameKey(user.name);
    item.description = describe(user);
    item.iconPath = user.online
      ? new vscode.ThemeIcon('circle-filled', new vscode.ThemeColor('charts.green'))
      : new vscode.ThemeIcon('circle-outline', new vscode.ThemeColor('disabledForeground'));
    const unread = user.unread ? `, ${unreadText(user.unread)}` : '';
    item.tooltip = `${user.name} is ${user.online ? 'online' : 'offline'}${unread}`;
    item.contextValue = user.self ? 'relayChat.self' : 'relayChat.user';
    item.command = { command: 'relayChat.messageUser', title: 'Message User', arguments: [user.name] };
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

function describe(user: UserEntry): string | undefined {
  const parts = [user.self ? '(you)' : undefined, user.unread ? unreadText(user.unread) : undefined];
  return parts.filter(Boolean).join(' ') || undefined;
}

function unreadText(count: number): string {
  return `${count} unread`;
}
