/**
 * The user's conversations as this client knows them (protocol 2): the channels they are in and
 * their direct conversations, each with its unread and mention counts and the last seq read.
 * It starts from the welcome and follows `channel` events, `read` frames and messages, so a
 * client shows badges without asking again; the server's numbers (welcome, `read`) always win.
 */
import {
  conversationOfFields,
  conversationOfMessage,
  nameKey,
  type ChannelEvent,
  type ChannelInfo,
  type ChannelState,
  type ChatMessage,
  type Conversation,
  type DirectState,
  type ReadFrame,
  type WelcomeFrame,
} from '../protocol';
import { mentionsMe } from './mentions';

export interface ReadCounts {
  unread: number;
  mentions: number;
  /** The highest seq read (0: none). */
  lastRead: number;
}

export class ConversationState {
  /** By channel name. */
  private readonly channelStates = new Map<string, ChannelState>();
  /** By the other side's name, folded as names compare. */
  private readonly directStates = new Map<string, DirectState>();
  /** Messages up to this seq are already counted in the welcome's numbers. */
  private countedUpTo = 0;

  /** The channels the user is in, by name. */
  get channels(): readonly Readonly<ChannelState>[] {
    return [...this.channelStates.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** The user's direct conversations, the latest activity first. */
  get direct(): readonly Readonly<DirectState>[] {
    return [...this.directStates.values()].sort((a, b) => b.lastActivity - a.lastActivity);
  }

  counts(conversation: Conversation): ReadCounts | undefined {
    const state = conversation.kind === 'channel' ? this.channelStates.get(conversation.channel) : this.directStates.get(nameKey(conversation.with));
    return state && { unread: state.unread, mentions: state.mentions, lastRead: state.lastRead };
  }

  /** A welcome replaces everything: it is the server's word on where each conversation stands. */
  reset(welcome: WelcomeFrame): void {
    this.channelStates.clear();
    this.directStates.clear();
    for (const channel of welcome.channels ?? []) this.channelStates.set(channel.name, { ...channel });
    for (const direct of welcome.direct ?? []) this.directStates.set(nameKey(direct.with), { ...direct });
    this.countedUpTo = welcome.seq;
  }

  /** True when it changed what the user is in or a channel's details. */
  applyChannelEvent(event: ChannelEvent, self: string): boolean {
    const aboutMe = event.name !== undefined && nameKey(event.name) === nameKey(self);
    const key = event.event === 'renamed' && event.previous !== undefined ? event.previous : event.channel.name;
    const known = this.channelStates.get(key);
    if (event.event === 'archived' || (event.event === 'left' && aboutMe)) return this.channelStates.delete(key);
    if (!known) {
      if (event.event !== 'created' && !(event.event === 'joined' && aboutMe)) return false;
      this.channelStates.set(event.channel.name, { ...infoOf(event.channel), unread: 0, mentions: 0, lastRead: 0 });
      return true;
    }
    this.channelStates.delete(key);
    this.channelStates.set(event.channel.name, { ...known, ...infoOf(event.channel) });
    return true;
  }

  /** The server's read state for one conversation, from this device or another. */
  applyRead(frame: ReadFrame): boolean {
    const conversation = conversationOfFields(frame);
    if ('problem' in conversation) return false;
    const counts = { lastRead: frame.seq, unread: frame.unread, mentions: frame.mentions };
    if (conversation.kind === 'channel') {
      const channel = this.channelStates.get(conversation.channel);
      if (!channel) return false;
      Object.assign(channel, counts);
      return true;
    }
    const direct = this.directFor(conversation.with, frame.seq, 0);
    Object.assign(direct, counts);
    return true;
  }

  /** A message that arrived: someone else's counts as unread (and as a mention of us); our own marks it read. */
  applyMessage(message: ChatMessage, self: string): boolean {
    if (message.seq <= this.countedUpTo) return false;
    const conversation = conversationOfMessage(message, self);
    const ours = nameKey(message.from) === nameKey(self);
    const state = this.stateFor(conversation, message.seq, message.ts);
    if (!state) return false;
    if (ours) {
      markReadUpTo(state, message.seq);
    } else if (message.seq > state.lastRead) {
      state.unread++;
      if (mentionsMe(message, self)) state.mentions++;
    }
    return true;
  }

  /** Our own message, stored by the server (its ack): read up to it, from this device. */
  applySent(conversation: Conversation, seq: number, ts: number): boolean {
    const state = this.stateFor(conversation, seq, ts);
    if (!state) return false;
    markReadUpTo(state, seq);
    return true;
  }

  /** Where a message goes: a channel we are in, or a direct conversation (a new one when it is the first). */
  private stateFor(conversation: Conversation, seq: number, ts: number): ReadCounts | undefined {
    if (conversation.kind === 'channel') return this.channelStates.get(conversation.channel);
    return this.directFor(conversation.with, seq, ts);
  }

  private directFor(name: string, seq: number, ts: number): DirectState {
    const key = nameKey(name);
    let direct = this.directStates.get(key);
    if (!direct) {
      direct = { with: name, unread: 0, mentions: 0, lastRead: 0, lastSeq: seq, lastActivity: ts };
      this.directStates.set(key, direct);
    } else if (seq > direct.lastSeq) {
      direct.lastSeq = seq;
      direct.lastActivity = Math.max(direct.lastActivity, ts);
    }
    return direct;
  }
}

function markReadUpTo(state: ReadCounts, seq: number): void {
  if (seq < state.lastRead) return;
  state.lastRead = seq;
  state.unread = 0;
  state.mentions = 0;
}

/** Only the channel's own fields, so an event never carries anything else into the state. */
function infoOf(channel: ChannelInfo): ChannelInfo {
  return {
    name: channel.name,
    topic: channel.topic,
    private: channel.private,
    members: channel.members,
    ...(channel.createdBy !== undefined ? { createdBy: channel.createdBy } : {}),
    ...(channel.archived !== undefined ? { archived: channel.archived } : {}),
  };
}
