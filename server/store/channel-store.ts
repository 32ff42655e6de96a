/**
 * The channel and read-state seam, beside the message store: channels, their members, and each
 * user's read position and mentions per conversation. The embedded SQLite store implements it in
 * the same database; every method is asynchronous so that a server database fits too.
 *
 * Every account is a member of #general from its creation; nobody leaves it.
 */
import type { ChannelInfo, ChannelState, DirectState } from '../../protocol';
import type { ChannelRef, StoredConversation, UserRecord } from './message-store';

export interface ChannelRecord extends ChannelRef {
  topic: string;
  private: boolean;
  /** The creator's account id; absent for #general and once the creator's name was released. */
  createdById?: number;
  archived: boolean;
}

/** What a read position is now. */
export interface ReadPosition {
  seq: number;
  unread: number;
  mentions: number;
}

export interface ReadStateSnapshot {
  /** Each unarchived channel the user is in, by name. */
  channels: ChannelState[];
  /** Each direct conversation of the user, the latest activity first. */
  direct: DirectState[];
}

export interface ChannelStore {
  /** #general: it always exists. */
  general(): Promise<ChannelRecord>;
  channelByName(name: string): Promise<ChannelRecord | undefined>;
  /** A channel as everyone may see it, with its member count and its creator's name. */
  info(channel: ChannelRecord): Promise<ChannelInfo>;
  /** Creates it with `creator` as its first member; 'exists' when a channel (archived or not) has the name. */
  create(name: string, creator: UserRecord, options: { private: boolean; topic: string }): Promise<ChannelRecord | 'exists'>;
  isMember(channel: ChannelRef, user: UserRecord): Promise<boolean>;
  /** Resolves false when they already were a member. */
  addMember(channel: ChannelRef, user: UserRecord): Promise<boolean>;
  /** Resolves false when they were not a member. */
  removeMember(channel: ChannelRef, user: UserRecord): Promise<boolean>;
  /** The members, by name (as registered), in name-key order. */
  members(channel: ChannelRef): Promise<UserRecord[]>;
  setTopic(channel: ChannelRef, topic: string): Promise<ChannelRecord>;
  /** 'exists' when another channel has the name. */
  rename(channel: ChannelRef, name: string): Promise<ChannelRecord | 'exists'>;
  archive(channel: ChannelRef): Promise<ChannelRecord>;
  /** The unarchived public channels and the unarchived private ones `viewer` is in, by name, each with whether they joined. */
  browse(viewer: UserRecord): Promise<Array<ChannelInfo & { joined: boolean }>>;
  /** The ids of the unarchived channels the user is in: what their connections are subscribed to. */
  subscriptions(user: UserRecord): Promise<number[]>;
  /**
   * Unread and mention counts of every conversation the user is in, counting messages up to
   * `upToSeq` (the welcome's snapshot): what a protocol 2 welcome carries.
   */
  readState(user: UserRecord, upToSeq: number): Promise<ReadStateSnapshot>;
  /** Moves the read position up to `seq` (never back, never past the latest message); resolves with it as it is now. */
  markRead(user: UserRecord, conversation: StoredConversation, seq: number): Promise<ReadPosition>;
}
