/**
 * The rows of the Relay Chat sidebar, in order, as three sections: **Channels** (the ones the
 * user is in, those needing attention first), **Direct Messages** (recent direct conversations,
 * offline people included, the latest activity first) and **Online** (everyone online, yourself
 * first). Every unread message the activity-bar badge counts is on some row.
 */
import { nameKey } from '../../protocol/limits';
import type { Conversation } from './address';

export type SectionId = 'channels' | 'direct' | 'online';

export const SECTION_LABELS: Readonly<Record<SectionId, string>> = {
  channels: 'Channels',
  direct: 'Direct Messages',
  online: 'Online',
};

export interface UserEntry {
  name: string;
  online: boolean;
  self: boolean;
  /** Unread direct messages from this user. */
  unread: number;
}

export interface ChannelEntry {
  conversation: Extract<Conversation, { kind: 'channel' }>;
  unread: number;
  /** Unread messages that mention the user. */
  mentions: number;
  /** Muted here: it notifies nothing and its unread count is shown dimmed. */
  muted: boolean;
  topic: string;
  private: boolean;
}

export interface SectionRow {
  kind: 'section';
  section: SectionId;
}

export type ConversationRow = { kind: 'conversation' } & ChannelEntry;

export type UserRow = { kind: 'user'; section: 'direct' | 'online' } & UserEntry;

export type TreeRow = SectionRow | ConversationRow | UserRow;

/** What the sidebar shows, before ordering. `direct` comes the latest activity first. */
export interface SidebarData {
  channels: readonly ChannelEntry[];
  direct: readonly UserEntry[];
  online: readonly UserEntry[];
}

export function sectionRows(): SectionRow[] {
  return (['channels', 'direct', 'online'] as const).map((section) => ({ kind: 'section', section }));
}

export function sectionChildren(section: SectionId, data: SidebarData): TreeRow[] {
  switch (section) {
    case 'channels':
      return sortChannels(data.channels).map((channel) => ({ kind: 'conversation' as const, ...channel }));
    case 'direct':
      return data.direct.map((user) => ({ kind: 'user' as const, section, ...user }));
    case 'online':
      return sortOnline(data.online).map((user) => ({ kind: 'user' as const, section, ...user }));
  }
}

/** Whether a channel asks to be read: a mention always, unread messages unless it is muted. */
export function needsAttention(channel: Pick<ChannelEntry, 'unread' | 'mentions' | 'muted'>): boolean {
  return channel.mentions > 0 || (channel.unread > 0 && !channel.muted);
}

/** Mentions first, then other unread (unmuted) channels, then by name. */
export function sortChannels(channels: readonly ChannelEntry[]): ChannelEntry[] {
  return [...channels].sort(
    (a, b) =>
      Number(b.mentions > 0) - Number(a.mentions > 0) ||
      Number(needsAttention(b)) - Number(needsAttention(a)) ||
      a.conversation.channel.localeCompare(b.conversation.channel),
  );
}

/** Yourself first, then by name. */
export function sortOnline(users: readonly UserEntry[]): UserEntry[] {
  return [...users].sort((a, b) => Number(b.self) - Number(a.self) || nameKey(a.name).localeCompare(nameKey(b.name)));
}

/**
 * The activity-bar badge: mentions of the user (in channels, muted ones too: a mention is
 * addressed to them) plus unread direct messages. Other channel traffic waits on its row.
 */
export function attentionCount(data: Pick<SidebarData, 'channels' | 'direct'>): number {
  let total = 0;
  for (const channel of data.channels) total += channel.mentions;
  for (const person of data.direct) total += person.unread;
  return total;
}
