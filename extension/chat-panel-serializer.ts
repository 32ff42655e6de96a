/**
 * Brings chat panels back after a window reload: the webview saved which conversation it
 * showed (and its draft) with setState; VS Code hands that state back here.
 */
import type * as vscode from 'vscode';
import { GROUP_VIEW_TYPE, viewTypeOf } from './chat-panel';
import type { ChatPanelManager } from './chat-panel-manager';
import { GROUP } from './model/conversation-ref';

export class ChatPanelSerializer implements vscode.WebviewPanelSerializer<unknown> {
  constructor(
    private readonly panels: ChatPanelManager,
    private readonly viewType: string,
  ) {}

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    // The schemas (and zod) load here, not at activation (see extension.ts).
    const { webviewState } = await import('./webview-protocol');
    const parsed = webviewState.safeParse(state);
    // A group panel can always come back; a private one only if it says with whom.
    const ref = parsed.success ? parsed.data.conversation : this.viewType === GROUP_VIEW_TYPE ? GROUP : undefined;
    if (!ref || viewTypeOf(ref) !== this.viewType) {
      panel.dispose();
      return;
    }
    this.panels.restore(panel, ref);
  }
}
