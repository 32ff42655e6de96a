/**
 * The Online Users view: #general, then who is online (yourself marked "(you)") with a
 * presence icon, people with unread messages first. A row with unread messages has its name
 * highlighted and the count first in its description, so a narrow side bar that cuts the
 * description short still shows it; clicking a row opens its conversation.
 */
import * as vscode from 'vscode';
import { conversationKey, conversationLabel, direct, GENERAL } from './model/address';
import type { ConnectionManager } from './connection-manager';
import { treeRows, type ConversationRow, type TreeRow, type UserEntry } from './model/tree-rows';

export class UsersTreeProvider implements vscode.TreeDataProvider<TreeRow>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly connection: ConnectionManager) {
    this.subscription = connection.watchModel((model) => {
      this.changed.fire();
      return model ? [model.onDidChangeUsers(() => this.changed.fire())] : [];
    });
  }

  getChildren(element?: TreeRow): TreeRow[] {
    const model = this.connection.model;
    // Until a server has answered, the view stays empty for its welcome text (Connect, or why it cannot reach it).
    if (element || !model?.connection.reached) return [];
    return treeRows(model.unreadCount(GENERAL), model.users());
  }

  getTreeItem(row: TreeRow): vscode.TreeItem {
    return row.kind === 'conversation' ? conversationItem(row) : userItem(row);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

function conversationItem(row: ConversationRow): vscode.TreeItem {
  const label = conversationLabel(row.conversation);
  const item = new vscode.TreeItem(highlighted(label, row.unread), vscode.TreeItemCollapsibleState.None);
  item.id = conversationKey(row.conversation);
  item.iconPath = new vscode.ThemeIcon('comment-discussion');
  if (row.unread) item.description = unreadText(row.unread);
  item.tooltip = `${label}, everyone's conversation${row.unread ? `, ${unreadText(row.unread)}` : ''}`;
  item.contextValue = 'relayChat.channel';
  item.command = { command: 'relayChat.openGroupChat', title: 'Open #general' };
  return item;
}

function userItem(user: UserEntry): vscode.TreeItem {
  const item = new vscode.TreeItem(highlighted(user.name, user.unread), vscode.TreeItemCollapsibleState.None);
  item.id = conversationKey(direct(user.name));
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

/** The whole label highlighted while there is something unread: it shows however narrow the view. */
function highlighted(label: string, unread: number): vscode.TreeItemLabel {
  return { label, ...(unread ? { highlights: [[0, label.length] as [number, number]] } : {}) };
}

/** The count first: the end of a description is what a narrow view cuts. */
function describe(user: UserEntry): string | undefined {
  const parts = [user.unread ? unreadText(user.unread) : undefined, user.self ? '(you)' : undefined];
  return parts.filter(Boolean).join(' · ') || undefined;
}

function unreadText(count: number): string {
  return `${count} unread`;
}
