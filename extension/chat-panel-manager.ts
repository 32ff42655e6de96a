/** One panel per conversation: opening a conversation again reveals the panel it already has. */
import * as vscode from 'vscode';
import { ChatPanel, CONVERSATION_VIEW_TYPE } from './chat-panel';
import type { CodeAnchors } from './code-anchors/code-anchors';
import type { ConnectionManager } from './connection-manager';
import { conversationKey, conversationTitle, type Conversation } from './model/address';

export class ChatPanelManager implements vscode.Disposable {
  private readonly panels = new Map<string, ChatPanel>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly connection: ConnectionManager,
    private readonly log: vscode.LogOutputChannel,
    private readonly codeAnchors: CodeAnchors,
  ) {}

  open(conversation: Conversation, options: { preserveFocus?: boolean } = {}): ChatPanel {
    const existing = this.panels.get(conversationKey(conversation));
    if (existing) {
      existing.reveal(options.preserveFocus);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      CONVERSATION_VIEW_TYPE,
      conversationTitle(conversation, this.connection.model?.self),
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: options.preserveFocus ?? false },
      // Scripts and resource roots are set by ChatPanel, for new and restored panels alike.
      { enableFindWidget: true },
    );
    return this.adopt(panel, conversation);
  }

  /** Takes over a panel VS Code brought back after a reload. */
  restore(panel: vscode.WebviewPanel, conversation: Conversation): void {
    if (this.panels.has(conversationKey(conversation))) {
      panel.dispose();
      return;
    }
    this.adopt(panel, conversation);
  }

  all(): ChatPanel[] {
    return [...this.panels.values()];
  }

  dispose(): void {
    for (const panel of this.panels.values()) panel.dispose();
    this.panels.clear();
  }

  private adopt(panel: vscode.WebviewPanel, conversation: Conversation): ChatPanel {
    const chatPanel = new ChatPanel(panel, conversation, this.extensionUri, this.connection, this.log, this.codeAnchors);
    this.panels.set(chatPanel.key, chatPanel);
    chatPanel.onDidDispose(() => this.panels.delete(chatPanel.key));
    return chatPanel;
  }
}
