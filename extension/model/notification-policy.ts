/**
 * Whether a message that just arrived shows a notification, by the `relayChat.notifications`
 * setting: `all` (every message), `private` (the default: direct messages and mentions of the
 * user), `mentions` (mentions only) or `none`. Never for the conversation being looked at, and
 * never for a muted channel.
 */
import type { Conversation } from './address';

export const NOTIFICATION_SETTINGS = ['all', 'private', 'mentions', 'none'] as const;
export type NotificationsSetting = (typeof NOTIFICATION_SETTINGS)[number];

export interface ArrivedMessage {
  conversation: Conversation;
  mentionsMe: boolean;
  /** Its panel is on screen. */
  beingViewed: boolean;
  /** It is in a channel muted on this device. */
  muted: boolean;
}

export function shouldNotify(setting: NotificationsSetting, message: ArrivedMessage): boolean {
  if (message.beingViewed || message.muted) return false;
  switch (setting) {
    case 'all':
      return true;
    case 'private':
      return message.conversation.kind === 'direct' || message.mentionsMe;
    case 'mentions':
      return message.mentionsMe;
    case 'none':
      return false;
  }
}

/** A stored value this version does not know is read as the default. */
export function parseNotificationsSetting(value: unknown): NotificationsSetting {
  return (NOTIFICATION_SETTINGS as readonly unknown[]).includes(value) ? (value as NotificationsSetting) : 'private';
}
