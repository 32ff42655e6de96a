/** How the SQLite tables name a conversation: `c:ID` for a channel, `p:LOW:HIGH` (user ids) for a direct one. */
import type { StoredConversation, UserRecord } from './message-store';

export function channelColumn(channelId: number): string {
  return `c:${channelId}`;
}

export function directColumn(a: number, b: number): string {
  return a < b ? `p:${a}:${b}` : `p:${b}:${a}`;
}

/** The conversation column of `conversation` as `self` names it. */
export function conversationColumn(self: UserRecord, conversation: StoredConversation): string {
  return conversation.kind === 'channel' ? channelColumn(conversation.channel.id) : directColumn(self.id, conversation.with.id);
}

/** Moves a user's read position in a conversation up to a seq (user id, column, seq); it never goes back. */
export const READ_UP_TO = `INSERT INTO read_positions (user_id, conversation, seq) VALUES (?, ?, ?)
  ON CONFLICT (user_id, conversation) DO UPDATE SET seq = MAX(seq, excluded.seq)`;
