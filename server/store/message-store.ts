/**
 * The message storage seam. The embedded SQLite store implements it today; a server database
 * (PostgreSQL…) can implement it later without the rest of the server changing. Accounts and
 * devices are the identity store's (identity/identity-store.ts). Every method is asynchronous
 * so that such a store fits.
 */
import type { Attachment, ChatMessage } from '../../protocol';

export interface UserRecord {
  /** Never reused, so a released and re-registered name starts with a clean slate. */
  id: number;
  /** The name as it was first registered. */
  name: string;
}

/** A channel as the stores know it: by id, which a rename does not change. */
export interface ChannelRef {
  id: number;
  name: string;
}

/**
 * protocol/conversation.ts's Conversation with its names resolved: where a message is stored,
 * whose history is read. A direct conversation is named from the viewer's (or sender's) side.
 */
export type StoredConversation = { kind: 'channel'; channel: ChannelRef } | { kind: 'direct'; with: UserRecord };

export interface NewMessage {
  sender: UserRecord;
  /** The sender's own message id, unique per user. */
  clientId: string;
  text: string;
  conversation: StoredConversation;
  /** What the message carries as `mentions`; absent when it mentions nobody. */
  mentions?: string[];
  /** The ids of the accounts it mentions (not the sender): their mention counts grow. */
  mentioned?: readonly number[];
  /** (new) Code anchors and diffs, stored and sent back as they came (already schema-checked). */
  attachments?: Attachment[];
}

export interface AppendResult {
  message: ChatMessage;
  /** The id was used before: `message` is the original, which must not be delivered again. */
  duplicate: boolean;
}

export interface HistoryQuery {
  viewer: UserRecord;
  conversation: StoredConversation;
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

/**
 * Which conversations a welcome covers: a v1 client's (#general and its direct conversations)
 * or every one the user is in (each unarchived channel they are a member of, and their direct ones).
 */
export type WelcomeScope = 'general-and-direct' | 'all';

export interface MessageStore {
  /**
   * Stores a message, with its mention rows, and moves the sender's read position in its
   * conversation up to it; durable when the promise resolves. Order of calls is kept.
   */
  append(message: NewMessage): Promise<AppendResult>;
  /** What a user sees on (re)connecting: the latest `limit`, or everything after `afterSeq` up to `limit`. */
  welcomeSnapshot(viewer: UserRecord, scope: WelcomeScope, afterSeq: number | undefined, limit: number): Promise<WelcomeSnapshot>;
  history(query: HistoryQuery): Promise<HistoryResult>;
  /** Deletes every private conversation the user is in (a released name). */
  deletePrivateConversations(user: UserRecord): Promise<void>;
  /** Waits for pending writes, then closes. */
  close(): Promise<void>;
}
