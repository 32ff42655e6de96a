/**
 * The message storage seam. The embedded SQLite store implements it today; a server database
 * (PostgreSQL…) can implement it later without the rest of the server changing. Accounts and
 * devices are the identity store's (identity/identity-store.ts). Every method is asynchronous
 * so that such a store fits.
 */
import type { ChatMessage } from '../../protocol';

export interface UserRecord {
  /** Never reused, so a released and re-registered name starts with a clean slate. */
  id: number;
  /** The name as it was first registered. */
  name: string;
}

export interface NewMessage {
  sender: UserRecord;
  /** The sender's own message id, unique per user. */
  clientId: string;
  text: string;
  /** Absent for the group. */
  recipient?: UserRecord;
}

export interface AppendResult {
  message: ChatMessage;
  /** The id was used before: `message` is the original, which must not be delivered again. */
  duplicate: boolean;
}

export interface HistoryQuery {
  viewer: UserRecord;
  /** The other side of a private conversation; absent for the group. */
  with?: UserRecord;
  before?: number;
  limit: number;
}

export interface HistoryResult {
  messages: ChatMessage[];
  more: boolean;
}

export interface WelcomeSnapshot {
  messages: ChatMessage[];
  /** Latest seq on the server when the snapshot was taken. */
  latestSeq: number;
  /** More than the limit were newer than the resume point; only the newest were returned. */
  gap: boolean;
}

export interface MessageStore {
  /** Stores a message; it is durable when the promise resolves. Order of calls is kept. */
  append(message: NewMessage): Promise<AppendResult>;
  /** What a user sees on (re)connecting: the latest `limit`, or everything after `afterSeq` up to `limit`. */
  welcomeSnapshot(viewer: UserRecord, afterSeq: number | undefined, limit: number): Promise<WelcomeSnapshot>;
  history(query: HistoryQuery): Promise<HistoryResult>;
  /** Deletes every private conversation the user is in (a released name). */
  deletePrivateConversations(user: UserRecord): Promise<void>;
  /** Waits for pending writes, then closes. */
  close(): Promise<void>;
}
