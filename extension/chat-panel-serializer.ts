/**
 * Brings chat panels back after a window reload: the webview saved which conversation it
 * showed (and its draft) with setState; VS Code hands that state back here. Registered for
 * today's panel type and for the two older ones (one per kind of conversation, before
 * channels): a panel of an older type is restored as it is, under its old type, and what it
 * saved is read as today's address (webviewState upgrades `group` / `private`).
 */
import type * as vscode from 'vscode';
import { LEGACY_GROUP_VIEW_TYPE } from './chat-panel';
import type { ChatPanelManager } from './chat-panel-manager';
import { GENERAL } from './model/address';

export class ChatPanelSerializer implements vscode.WebviewPanelSerializer<unknown> {
  constructor(
    private readonly panels: ChatPanelManager,
    private readonly viewType: string,
  ) {}

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    // The schemas (and zod) load here, not at activation (see extension.ts).
    const { webviewState } = await import('./webview-protocol');
    const parsed = webviewState.safeParse(state);
    // An old group panel that saved nothing was the group; any other panel must say what it shows.
    const conversation = parsed.success ? parsed.data.conversation : this.viewType === LEGACY_GROUP_VIEW_TYPE ? GENERAL : undefined;
    if (!conversation) {
      panel.dispose();
      return;
    }
    this.panels.restore(panel, conversation);
  }
}
