/** The Relay Chat activity-bar badge: every unread message, group and private. */
import type * as vscode from 'vscode';
import type { ConnectionManager } from './connection-manager';
import type { ChatModel } from './model/chat-model';

export class UnreadBadge implements vscode.Disposable {
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly view: vscode.TreeView<unknown>,
    connection: ConnectionManager,
  ) {
    this.subscription = connection.watchModel((model) => {
      this.update(model);
      return model ? [model.onDidChangeUnread(() => this.update(model))] : [];
    });
  }

  dispose(): void {
    this.subscription.dispose();
  }

  private update(model: ChatModel | undefined): void {
    const total = model?.totalUnread() ?? 0;
    const tooltip = `${total} unread message${total === 1 ? '' : 's'}`;
    this.view.badge = total > 0 ? { value: total, tooltip } : undefined;
  }
}
