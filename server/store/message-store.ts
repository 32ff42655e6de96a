/**
 * The storage seam. The embedded SQLite store implements it today; a server database
 * (PostgreSQL…) can implement it later without the rest of the server changing.
 * Every method is asynchronous so that such a store fits.
 */
import type { ChatMessage } from '../../protocol';

export interface UserRecord {
  /** Never reused, so a released and re-registered name starts with a clean slate. */
  id: number;
  /** The name as it was first registered. */
  name: string;
}

/** `session` is the secret the client holds: the store keeps only its hash. */
export type ClaimResult =
  | { status: 'created'; user: UserRecord; session: string }
  | { status: 'verified'; user: UserRecord; session: string }
  | { status: 'taken' };

export interface NewMessage {
  sender: UserRecord;
  /** The sender's own message id, unique per user. */
  clientId: string;
  text: string;
  /** Recipient name, any case; absent for the group. */
  to?: string;
}

export type AppendResult =
  | {
      status: 'stored';
      message: ChatMessage;
      /** The id was used before: `message` is the original, which must not be delivered again. */
      duplicate: boolean;
      /** Present for a private message: the recipient's record. */
      recipient?: UserRecord;
    }
  | { status: 'unknown_recipient' };

export interface HistoryQuery {
  viewer: UserRecord;
  /** Name of the other side of a private conversation; absent for the group. */
  with?: string;
  before?: number;
  limit: number;
}

export type HistoryResult =
  | { status: 'ok'; messages: ChatMessage[]; more: boolean; with?: string }
  | { status: 'unknown_user' };

export interface WelcomeSnapshot {
  messages: ChatMessage[];
  /** Latest seq on the server when the snapshot was taken. */
  latestSeq: number;
  /** More than the limit were newer than the resume point; only the newest were returned. */
  gap: boolean;
}

export interface MessageStore {
  /**
   * Registers a new name with a fresh session, or verifies the session of a known one,
   * atomically, so two clients cannot both create the same name.
   */
  claimName(name: string, session: string | undefined, newSession: () => string): Promise<ClaimResult>;
  /** Stores a message; it is durable when the promise resolves. Order of calls is kept. */
  append(message: NewMessage): Promise<AppendResult>;
  /** What a user sees on (re)connecting: the latest `limit`, or everything after `afterSeq` up to `limit`. */
  welcomeSnapshot(viewer: UserRecord, afterSeq: number | undefined, limit: number): Promise<WelcomeSnapshot>;
  history(query: HistoryQuery): Promise<HistoryResult>;
  /** A stable random id of this installation, the same for every node that shares the store. */
  serverId(): Promise<string>;
  /** Deletes a name, its session and its private conversations. Resolves with who held it, or undefined when unknown. */
  releaseName(name: string): Promise<UserRecord | undefined>;
  /** Waits for pending writes, then closes. */
  close(): Promise<void>;
}
