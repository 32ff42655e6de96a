/**
 * Notifications for messages that arrive while their panel is not visible, as the
 * `relayChat.notifications` setting asks (see model/notification-policy.ts): by default direct
 * messages and mentions of the user; nothing from a channel muted here.
 */
import * as vscode from 'vscode';
import type { ChatPanelManager } from './chat-panel-manager';
import type { ConnectionManager } from './connection-manager';
import { conversationLabel } from './model/address';
import type { IncomingMessage } from './model/chat-model';
import type { MutedChannels } from './model/muted-channels';
import { shouldNotify } from './model/notification-policy';
import { notificationsSetting } from './settings';

/** Code points of the message a notification shows: a glance, not the message. */
const PREVIEW_LENGTH = 120;

export class NotificationController implements vscode.Disposable {
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly connection: ConnectionManager,
    private readonly panels: ChatPanelManager,
    private readonly muted: MutedChannels,
  ) {
    this.subscription = connection.watchModel((model) =>
      model ? [model.onDidReceive((incoming) => void this.notify(incoming))] : [],
    );
  }

  dispose(): void {
    this.subscription.dispose();
  }

  private async notify({ message, conversation, unread, mentionsMe }: IncomingMessage): Promise<void> {
    const muted = conversation.kind === 'channel' && this.muted.isMuted(this.connection.serverUrl, conversation.channel);
    // Not unread means its panel is on screen: the message is being seen already.
    if (!shouldNotify(notificationsSetting(), { conversation, mentionsMe, beingViewed: !unread, muted })) return;
    const where = conversation.kind === 'channel' ? ` in ${conversationLabel(conversation)}` : '';
    const action = conversation.kind === 'channel' ? 'Open' : 'Reply';
    // A notification cannot render markdown: it shows the text a reader of the chat would see.
    // The markdown parser is loaded with the first notification, not at activation.
    const { plainTextPreview } = await import('./model/plain-text');
    const text = `${message.from}${mentionsMe ? ' mentioned you' : ''}${where}: ${plainTextPreview(message.text, PREVIEW_LENGTH)}`;
    const choice = await vscode.window.showInformationMessage(text, action);
    if (choice === action) this.panels.open(conversation);
  }
}
