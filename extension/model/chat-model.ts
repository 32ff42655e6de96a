/**
 * Everything the extension knows about one connection, without `vscode`: the conversations,
 * who is online and typing, unread counts, and the connection state, fed by a RelayClient.
 * The VS Code side (tree, status bar, panels, notifications) only reads this and listens.
 */
import { GENERAL_CHANNEL, LIMITS, nameKey, type Attachment, type ChatMessage, type WelcomeFrame } from '../../protocol';
import { composeText } from '../../client/code-refs/fallback';
import { mentionsMe } from '../../client/mentions';
import type { ChannelEvent, ConnectionState, OutgoingMessage, RefusalCode, RelayClient, RelayClientEvents } from '../../client/relay-client';
import type { TimelineEntry } from '../webview-protocol';
import { conversationKey, conversationOfMessage, direct, GENERAL, sameName, type Conversation } from './address';
import { ConversationTimeline, entryKey } from './conversation-timeline';
import { messageProblem } from './send-limits';
import { Emitter, type Disposable } from './signal';
import type { ChannelEntry, UserEntry } from './tree-rows';
import { TypingTracker } from './typing';
import { UnreadCounter } from './unread';

export interface ConnectionStatus {
  state: ConnectionState;
  /** Epoch ms of the next reconnect attempt, while offline. */
  retryAt?: number;
  error?: string;
  /**
   * The server has welcomed this connection at least once. Until then nothing is loaded, and a
   * server that was never reached (a wrong URL) is a different trouble from a dropped connection.
   */
  reached: boolean;
}

export type { UserEntry } from './tree-rows';

export interface IncomingMessage {
  message: ChatMessage;
  conversation: Conversation;
  /** Counted as unread: from someone else, new since we connected, and its panel not visible. */
  unread: boolean;
  /** The server's `mentions` name the user (or @here / @channel). */
  mentionsMe: boolean;
}

/** Reading is reported to the server this long after the last change, so a burst is one `read`. */
export const MARK_READ_DELAY_MS = 400;

export class ChatModel implements Disposable {
  private readonly conversations = new Map<string, ConversationTimeline>();
  private readonly unread = new UnreadCounter();
  private readonly typing = new TypingTracker((key) => this.conversationChanged.fire(key));
  private readonly loading = new Map<string, Promise<void>>();
  private readonly subscriptions: Disposable[] = [];
  private status: ConnectionStatus;
  /** `seq` of the first welcome: messages up to it were history when we arrived, not news. */
  private baselineSeq: number | undefined;
  private latestSeq = 0;
  /** Conversations whose panel is visible, by key: they are being read. */
  private readonly visible = new Map<string, Conversation>();
  private markReadTimer: ReturnType<typeof setTimeout> | undefined;

  private readonly conversationChanged = new Emitter<string>();
  private readonly usersChanged = new Emitter<void>();
  private readonly unreadChanged = new Emitter<void>();
  private readonly connectionChanged = new Emitter<ConnectionStatus>();
  private readonly received = new Emitter<IncomingMessage>();
  private readonly refused = new Emitter<{ code: RefusalCode; message: string; retryAfterMs?: number }>();
  private readonly welcomed = new Emitter<WelcomeFrame>();
  private readonly serverError = new Emitter<{ code: string; message: string }>();
  private readonly channelChanged = new Emitter<ChannelEvent>();

  /** Fires the key of a conversation whose timeline, typing or loading state changed. */
  readonly onDidChangeConversation = this.conversationChanged.event;
  readonly onDidChangeUsers = this.usersChanged.event;
  readonly onDidChangeUnread = this.unreadChanged.event;
  readonly onDidChangeConnection = this.connectionChanged.event;
  readonly onDidReceive = this.received.event;
  readonly onDidRefuse = this.refused.event;
  /** Each welcome, with the session it issued and the server's id, for the session book. */
  readonly onDidWelcome = this.welcomed.event;
  readonly onDidError = this.serverError.event;
  /** (protocol 2) A channel the user is in changed: topic, members, or being in it. */
  readonly onDidChangeChannel = this.channelChanged.event;

  constructor(
    readonly client: RelayClient,
    private readonly now: () => number = Date.now,
  ) {
    this.status = { state: client.state, reached: false };
    this.listen('state', (state, detail) => this.onState(state, detail));
    this.listen('welcome', (welcome) => {
      this.onWelcome(welcome.seq, welcome.gap === true);
      this.welcomed.fire(welcome);
    });
    this.listen('message', (message) => this.onMessage(message));
    this.listen('sent', (outgoing) => this.onSent(outgoing));
    this.listen('failed', (outgoing) => this.conversationChanged.fire(this.conversationOfOutgoing(outgoing).key));
    this.listen('presence', (name, online) => this.onPresence(name, online));
    this.listen('typing', (from, _to, conversation) => this.onTyping(from, conversation));
    this.listen('conversations', () => this.onReadState());
    this.listen('channel', (event) => this.channelChanged.fire(event));
    this.listen('refused', (code, message, detail) => this.refused.fire({ code, message, ...detail }));
    this.listen('error', (error) => this.serverError.fire(error));
  }

  get self(): string {
    return this.client.name;
  }

  get connection(): ConnectionStatus {
    return this.status;
  }

  connect(): void {
    this.client.connect();
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  dispose(): void {
    clearTimeout(this.markReadTimer);
    for (const subscription of this.subscriptions) subscription.dispose();
    this.typing.clear();
    for (const emitter of [
      this.conversationChanged,
      this.usersChanged,
      this.unreadChanged,
      this.connectionChanged,
      this.received,
      this.refused,
      this.welcomed,
      this.serverError,
      this.channelChanged,
    ]) {
      emitter.dispose();
    }
  }

  conversation(address: Conversation): ConversationTimeline {
    const key = conversationKey(address);
    let conversation = this.conversations.get(key);
    if (!conversation) this.conversations.set(key, (conversation = new ConversationTimeline(address)));
    return conversation;
  }

  timeline(address: Conversation): TimelineEntry[] {
    return this.conversation(address).entries(this.self);
  }

  typingIn(address: Conversation): string[] {
    return this.typing.names(conversationKey(address));
  }

  isLoadingOlder(address: Conversation): boolean {
    return this.loading.has(conversationKey(address));
  }

  /** The server speaks protocol 2 with us: channels, and read state kept by the server. */
  get hasChannels(): boolean {
    return this.client.protocol === 2;
  }

  /**
   * The channels the user is in (just #general from a protocol-1 server), with their counts.
   * `muted` is the caller's: the model does not know what this device muted.
   */
  channels(): Omit<ChannelEntry, 'muted'>[] {
    if (!this.hasChannels) {
      const general = { kind: 'channel' as const, channel: GENERAL_CHANNEL };
      return [{ conversation: general, unread: this.unreadCount(general), mentions: 0, topic: '', private: false }];
    }
    return this.client.channels.map((channel) => {
      const conversation = { kind: 'channel' as const, channel: channel.name };
      return { conversation, unread: this.unreadCount(conversation), mentions: this.mentionCount(conversation), topic: channel.topic, private: channel.private };
    });
  }

  /**
   * The user's direct conversations, the latest activity first, offline people included. From a
   * protocol-1 server, which keeps no list of them, the people we have unread messages from.
   */
  directConversations(): UserEntry[] {
    const names = this.hasChannels
      ? this.client.direct.map((state) => this.client.spellingOf(state.with))
      : this.unread.conversations().flatMap((key) => {
          const address = this.conversations.get(key)?.conversation;
          return address?.kind === 'direct' ? [address.with] : [];
        });
    const online = this.onlineKeys();
    return names.map((name) => this.userEntry(name, online));
  }

  /** Everyone online (nobody while the connection is down), yourself included. */
  onlinePeople(): UserEntry[] {
    if (this.status.state !== 'online') return [];
    const online = this.onlineKeys();
    return [...this.client.onlineUsers].map((name) => this.userEntry(name, online));
  }

  /** Unread messages there; none while its panel is visible, whatever the server has yet to hear. */
  unreadCount(address: Conversation): number {
    const key = conversationKey(address);
    if (!this.hasChannels) return this.unread.count(key);
    if (this.visible.has(key)) return 0;
    return this.client.readCounts(address)?.unread ?? 0;
  }

  /** Unread messages there that mention the user (protocol 2). */
  mentionCount(address: Conversation): number {
    if (!this.hasChannels || this.visible.has(conversationKey(address))) return 0;
    return this.client.readCounts(address)?.mentions ?? 0;
  }

  /** Every unread message, for the status bar. */
  totalUnread(): number {
    if (!this.hasChannels) return this.unread.total();
    let total = 0;
    for (const channel of this.client.channels) total += this.unreadCount({ kind: 'channel', channel: channel.name });
    for (const person of this.client.direct) total += this.unreadCount(direct(person.with));
    return total;
  }

  /** The panel of this conversation is visible: it is read. Returns where unread messages began. */
  show(address: Conversation): string | undefined {
    const count = this.unreadCount(address) + this.mentionCount(address);
    const key = conversationKey(address);
    const firstUnread = this.unread.show(key);
    this.visible.set(key, address);
    if (count > 0) this.unreadTotalsChanged();
    this.scheduleMarkRead();
    return firstUnread;
  }

  hide(address: Conversation): void {
    const key = conversationKey(address);
    this.unread.hide(key);
    if (!this.visible.delete(key)) return;
    // What the server still counts there shows again (until the pending `read` answers).
    this.unreadTotalsChanged();
  }

  /**
   * Sends `text`; with attachments, `text` is their note (perhaps empty) and the message's text
   * is the note with their readable fallback. Then it throws, sending nothing, when the message
   * would be over the text or the frame limit.
   */
  send(address: Conversation, text: string, attachments: readonly Attachment[] = []): OutgoingMessage {
    let outgoing: OutgoingMessage;
    if (attachments.length > 0) {
      const problem = messageProblem(address, text, attachments);
      if (problem) throw new Error(problem);
      outgoing = this.client.send(composeText(text, attachments), address, { attachments: [...attachments] });
    } else {
      // Plain text is checked by the client, which reports a refusal as a failed message.
      outgoing = this.client.send(text, address);
    }
    const conversation = this.conversation(address);
    conversation.track(outgoing, this.now());
    this.conversationChanged.fire(conversation.key);
    return outgoing;
  }

  /** Typing notices are a courtesy: one for a conversation this connection cannot reach is dropped. */
  sendTyping(address: Conversation): void {
    try {
      this.client.sendTyping(address);
    } catch {
      // A conversation this connection cannot reach (a channel on a protocol-1 server).
    }
  }

  retry(address: Conversation, id: string): void {
    const conversation = this.conversation(address);
    if (!conversation.hasOutgoing(id)) throw new Error(`no message ${id} waiting to be sent here`);
    this.client.retry(id);
    this.conversationChanged.fire(conversation.key);
  }

  /** Loads the page of history right before the oldest message held; one request at a time. */
  loadOlder(address: Conversation): Promise<void> {
    const conversation = this.conversation(address);
    const key = conversation.key;
    const running = this.loading.get(key);
    if (running) return running;
    if (!conversation.hasMore) return Promise.resolve();
    const before = conversation.oldestSeq;
    const request = this.client
      .requestHistory({
        conversation: address,
        ...(before !== undefined ? { before } : {}),
        limit: LIMITS.historyDefaultLimit,
      })
      .then((frame) => {
        for (const message of frame.messages) this.latestSeq = Math.max(this.latestSeq, message.seq);
        conversation.addHistory(frame.messages, frame.more, this.self);
      })
      .finally(() => {
        this.loading.delete(key);
        this.conversationChanged.fire(key);
      });
    this.loading.set(key, request);
    this.conversationChanged.fire(key);
    return request;
  }

  private listen<E extends keyof RelayClientEvents>(event: E, listener: (...args: RelayClientEvents[E]) => void): void {
    this.client.on(event, listener);
    this.subscriptions.push({ dispose: () => this.client.off(event, listener) });
  }

  private onState(state: ConnectionState, detail?: { retryInMs?: number; error?: string }): void {
    this.status = {
      state,
      reached: state === 'online' || this.baselineSeq !== undefined,
      ...(detail?.retryInMs !== undefined ? { retryAt: this.now() + detail.retryInMs } : {}),
      ...(detail?.error !== undefined ? { error: detail.error } : {}),
    };
    if (state !== 'online') this.typing.clear();
    this.connectionChanged.fire(this.status);
    this.usersChanged.fire();
    this.refreshPending();
  }

  private onWelcome(seq: number, gap: boolean): void {
    this.baselineSeq ??= seq;
    if (gap) {
      // Messages were skipped: what we hold no longer joins up with the server's history. The
      // client delivers the welcome's messages right after this event, into the emptied conversations.
      for (const conversation of this.conversations.values()) {
        conversation.resetStored();
        this.conversationChanged.fire(conversation.key);
      }
    }
    this.latestSeq = Math.max(this.latestSeq, seq);
    this.usersChanged.fire();
    this.refreshPending();
  }

  private onMessage(message: ChatMessage): void {
    const conversation = this.conversation(conversationOfMessage(message, this.self));
    this.latestSeq = Math.max(this.latestSeq, message.seq);
    if (!conversation.addMessage(message, this.self)) return;
    this.typing.stop(conversation.key, message.from);
    this.conversationChanged.fire(conversation.key);
    const arrivedSinceConnecting = this.baselineSeq !== undefined && message.seq > this.baselineSeq;
    const isNews = arrivedSinceConnecting && !sameName(message.from, this.self);
    const unread = isNews && this.unread.noteIncoming(conversation.key, entryKey(message.from, message.id));
    if (unread) this.unreadTotalsChanged();
    if (isNews) this.received.fire({ message, conversation: conversation.conversation, unread, mentionsMe: mentionsMe(message, this.self) });
  }

  private onSent(outgoing: OutgoingMessage): void {
    const conversation = this.conversationOfOutgoing(outgoing);
    if (outgoing.seq !== undefined) this.latestSeq = Math.max(this.latestSeq, outgoing.seq);
    conversation.acknowledge(outgoing, this.self);
    this.conversationChanged.fire(conversation.key);
  }

  /** Who is online, by folded name; nobody while the connection is down. */
  private onlineKeys(): Set<string> {
    return new Set(this.status.state === 'online' ? [...this.client.onlineUsers].map(nameKey) : []);
  }

  private userEntry(name: string, online: ReadonlySet<string>): UserEntry {
    return { name, online: online.has(nameKey(name)), self: sameName(name, this.self), unread: this.unreadCount(direct(name)) };
  }

  private onPresence(name: string, online: boolean): void {
    if (!sameName(name, this.self)) {
      const at = this.now();
      for (const address of [GENERAL, direct(name)]) {
        const conversation = this.conversation(address);
        conversation.adoptDisplayName(name);
        conversation.addPresence(name, online, this.latestSeq, at);
        this.conversationChanged.fire(conversation.key);
        if (!online) this.typing.stop(conversation.key, name);
      }
    }
    this.usersChanged.fire();
  }

  private onTyping(from: string, conversation: Conversation): void {
    if (sameName(from, this.self)) return;
    this.typing.note(conversationKey(conversation), from);
  }

  /** The server's counts changed (a welcome, a message, a `read` from any device). */
  private onReadState(): void {
    this.unreadTotalsChanged();
    this.scheduleMarkRead();
  }

  /** Visible conversations the server still counts unread are marked read there, shortly, once. */
  private scheduleMarkRead(): void {
    if (!this.hasChannels || this.markReadTimer !== undefined) return;
    this.markReadTimer = setTimeout(() => {
      this.markReadTimer = undefined;
      this.markVisibleRead();
    }, MARK_READ_DELAY_MS);
  }

  private markVisibleRead(): void {
    const seq = this.client.lastSeq;
    if (seq === undefined || this.status.state !== 'online') return;
    for (const address of this.visible.values()) {
      const counts = this.client.readCounts(address);
      // Only what the server still counts: a `read` for a conversation with nothing unread would
      // come back unchanged (it stops at its latest message) and ask for another, for ever.
      if (!counts || (counts.unread === 0 && counts.mentions === 0)) continue;
      // The server never moves a read position past the conversation's latest message.
      this.client.markRead(address, seq).catch(() => {
        // Refused (left the channel meanwhile) or the connection dropped: the next welcome has the truth.
      });
    }
  }

  private conversationOfOutgoing(outgoing: OutgoingMessage): ConversationTimeline {
    return this.conversation(conversationOfMessage({ from: this.self, to: outgoing.to }, this.self));
  }

  /** Queued/sending states change inside the client without events of their own. */
  private refreshPending(): void {
    for (const conversation of this.conversations.values()) {
      if (conversation.pendingCount > 0) this.conversationChanged.fire(conversation.key);
    }
  }

  private unreadTotalsChanged(): void {
    this.unreadChanged.fire();
    this.usersChanged.fire();
  }
}
