/**
 * The status bar item: connection state ("connecting", "online as NAME" with a lock when the
 * connection is encrypted, "offline" with a countdown to the next attempt), and before any
 * connection a quiet "Relay Chat: Connect". Clicking it opens #general, or while offline
 * reconnects at once. Its icons are plain codicons: debug ones (debug-disconnect) are painted
 * in the theme's debug colours everywhere.
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
    this.subscription = connection.watchModel((model) => {
      this.update(model);
      return model
        ? [model.onDidChangeConnection(() => this.update(model)), model.onDidChangeUnread(() => this.update(model))]
        : [];
    });
  }

  /** What the item says right now, and what a click on it runs (the test API reads them). */
  get text(): string {
    return this.item.text;
  }

  get tooltip(): string {
    return typeof this.item.tooltip === 'string' ? this.item.tooltip : (this.item.tooltip?.value ?? '');
  }

  get command(): string | undefined {
    return typeof this.item.command === 'string' ? this.item.command : this.item.command?.command;
  }

  dispose(): void {
    this.stopCountdown();
    this.subscription.dispose();
    this.item.dispose();
  }

  private update(model: ChatModel | undefined): void {
    this.stopCountdown();
    if (!model) {
      this.show('$(plug) Relay Chat: Connect', 'Relay Chat: not connected. Click to connect.', 'relayChat.connect');
      return;
    }
    const { state, retryAt, error, reached } = model.connection;
    const unread = model.totalUnread();
    switch (state) {
      case 'connecting':
        this.show('$(sync~spin) Chat: connecting…', `Relay Chat: connecting to ${this.connection.serverUrl}`);
        break;
      case 'online': {
        const encrypted = isEncrypted(this.connection.serverUrl);
        this.show(
          `${encrypted ? '$(lock)' : '$(comment-discussion)'} online as ${model.self}${unread ? ` (${unread} unread)` : ''}`,
          `Relay Chat: connected to ${this.connection.serverUrl}, ${encrypted ? 'encrypted (wss://)' : 'not encrypted (ws://)'}. Click to open #general.`,
        );
        break;
      }
      case 'offline': {
        const seconds = retryAt === undefined ? undefined : Math.max(0, Math.ceil((retryAt - Date.now()) / 1000));
        this.show(
          `$(warning) Chat: ${reached ? 'offline' : 'server unreachable'}${seconds === undefined ? '' : `, retrying in ${seconds} s`}`,
          reached
            ? `Relay Chat: the connection dropped${error ? ` (${error})` : ''}. Messages you send are queued. Click to reconnect now.`
            : `Relay Chat: cannot reach ${this.connection.serverUrl}${error ? ` (${error})` : ''}. Click to try again now.`,
          'relayChat.reconnect',
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

  private show(text: string, tooltip: string, command = 'relayChat.openGroupChat'): void {
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.command = command;
    this.item.show();
  }

  private stopCountdown(): void {
    clearTimeout(this.countdown);
    this.countdown = undefined;
  }
}

function isEncrypted(serverUrl: string | undefined): boolean {
  return serverUrl?.toLowerCase().startsWith('wss://') === true;
}
