/**
 * The status bar item: connection state ("connecting", "online as NAME", "offline" with a
 * countdown to the next attempt). Clicking it opens the group chat. Its icons are plain
 * codicons: debug ones (debug-disconnect) are painted in the theme's debug colours everywhere.
 */
import * as vscode from 'vscode';
import type { ConnectionManager } from './connection-manager';
import type { ChatModel } from './model/chat-model';

export class StatusBarController implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('relayChat.status', vscode.StatusBarAlignment.Left, 10);
  private readonly subscription: vscode.Disposable;
  private countdown: NodeJS.Timeout | undefined;

  constructor(private readonly connection: ConnectionManager) {
    this.item.name = 'Relay Chat';
    this.item.command = 'relayChat.openGroupChat';
    this.subscription = connection.watchModel((model) => {
      this.update(model);
      return model
        ? [model.onDidChangeConnection(() => this.update(model)), model.onDidChangeUnread(() => this.update(model))]
        : [];
    });
  }

  /** What the item says right now (the test API reads it). */
  get text(): string {
    return this.item.text;
  }

  dispose(): void {
    this.stopCountdown();
    this.subscription.dispose();
    this.item.dispose();
  }

  private update(model: ChatModel | undefined): void {
    this.stopCountdown();
    if (!model) {
      this.item.hide();
      return;
    }
    const { state, retryAt, error } = model.connection;
    const unread = model.totalUnread();
    switch (state) {
      case 'connecting':
        this.show('$(sync~spin) Chat: connecting…', `Relay Chat: connecting to ${this.connection.serverUrl}`);
        break;
      case 'online':
        this.show(
          `$(comment-discussion) online as ${model.self}${unread ? ` (${unread} unread)` : ''}`,
          `Relay Chat: connected to ${this.connection.serverUrl}. Click to open the group chat.`,
        );
        break;
      case 'offline': {
        const seconds = retryAt === undefined ? undefined : Math.max(0, Math.ceil((retryAt - Date.now()) / 1000));
        this.show(
          `$(warning) Chat: offline${seconds === undefined ? '' : `, retrying in ${seconds} s`}`,
          `Relay Chat: the connection dropped${error ? ` (${error})` : ''}. Messages you send are queued.`,
        );
        if (seconds !== undefined && seconds > 0) this.countdown = setTimeout(() => this.update(model), 1000);
        break;
      }
      case 'closed':
        this.show(
          '$(circle-slash) Chat: disconnected',
          `Relay Chat: ${error ?? 'not connected'}. Run Chat: Connect to connect again.`,
        );
        break;
    }
  }

  private show(text: string, tooltip: string): void {
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.show();
  }

  private stopCountdown(): void {
    clearTimeout(this.countdown);
    this.countdown = undefined;
  }
}
