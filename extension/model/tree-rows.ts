/**
 * The rows of the Online Users view, in order: #general first (so every unread message the
 * activity-bar badge counts is on some row), then the people with unread messages, yourself,
 * everyone online, and the offline people we have unread messages from.
 */
import { nameKey } from '../../protocol/limits';
import { GENERAL, type Conversation } from './address';

export interface UserEntry {
  name: string;
  online: boolean;
  self: boolean;
  /** Unread direct messages from this user. */
  unread: number;
}

export interface ConversationRow {
  kind: 'conversation';
  conversation: Conversation;
  unread: number;
}

export type TreeRow = ConversationRow | ({ kind: 'user' } & UserEntry);

/** Unread first, then yourself, then online before offline, then by name. */
export function sortUsers(users: readonly UserEntry[]): UserEntry[] {
  return [...users].sort(
    (a, b) =>
      Number(b.unread > 0) - Number(a.unread > 0) ||
      Number(b.self) - Number(a.self) ||
      Number(b.online) - Number(a.online) ||
      nameKey(a.name).localeCompare(nameKey(b.name)),
  );
}

export function treeRows(generalUnread: number, users: readonly UserEntry[]): TreeRow[] {
  return [
    { kind: 'conversation', conversation: GENERAL, unread: generalUnread },
    ...sortUsers(users).map((user) => ({ kind: 'user' as const, ...user })),
  ];
}
