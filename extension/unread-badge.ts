/** The Relay Chat activity-bar badge: mentions of the user plus unread direct messages (see model/tree-rows.ts). */
import type * as vscode from 'vscode';
import type { SidebarTreeProvider } from './sidebar-tree';

export class UnreadBadge implements vscode.Disposable {
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly view: vscode.TreeView<unknown>,
    private readonly sidebar: SidebarTreeProvider,
  ) {
    // The sidebar changes whenever a count does: its rows show them all.
    this.subscription = sidebar.onDidChangeTreeData(() => this.update());
    this.update();
  }

  dispose(): void {
    this.subscription.dispose();
  }

  private update(): void {
    const total = this.sidebar.attention();
    const tooltip = `${total} mention${total === 1 ? '' : 's'} and unread direct message${total === 1 ? '' : 's'}`;
    this.view.badge = total > 0 ? { value: total, tooltip } : undefined;
  }
}
