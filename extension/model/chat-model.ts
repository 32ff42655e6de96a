/**
 * Everything the extension knows about one connection, without `vscode`: the conversations,
 * who is online and typing, unread counts, and the connection state, fed by a RelayClient.
 * The VS Code side (tree, status bar, panels, notifications) only reads this and listens.
 */
import { LIMITS, nameKey, type ChatMessage, type WelcomeFrame } from '../../protocol';
import type { ConnectionState, OutgoingMessage, RefusalCode, RelayClient, RelayClientEvents } from '../../client/relay-client';
import type { TimelineEntry } from '../webview-protocol';
import { conversationKey, conversationOfMessage, direct, GENERAL, relayRecipient, sameName, type Conversation } from './address';
import { ConversationTimeline, entryKey } from './conversation-timeline';
import { Emitter, type Disposable } from './signal';
import { sortUsers, type UserEntry } from './tree-rows';
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
}

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

  private readonly conversationChanged = new Emitter<string>();
  private readonly usersChanged = new Emitter<void>();
  private readonly unreadChanged = new Emitter<void>();
  private readonly connectionChanged = new Emitter<ConnectionStatus>();
  private readonly received = new Emitter<IncomingMessage>();
  private readonly refused = new Emitter<{ code: RefusalCode; message: string; retryAfterMs?: number }>();
  private readonly welcomed = new Emitter<WelcomeFrame>();
  private readonly serverError = new Emitter<{ code: string; message: string }>();

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
    this.listen('typing', (from, to) => this.onTyping(from, to));
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

  /**
   * Everyone online and the offline users we have unread messages from, in the tree's order
   * (people with unread messages first, see tree-rows.ts). While
   * the connection is down nobody is known to be online, so everyone is listed as offline.
   */
  users(): UserEntry[] {
    const connected = this.status.state === 'online';
    const entries = new Map<string, UserEntry>();
    const add = (name: string, online: boolean): void => {
      const key = nameKey(name);
      if (entries.has(key)) return;
      const self = sameName(name, this.self);
      entries.set(key, { name, online, self, unread: this.unreadCount(direct(name)) });
    };
    for (const name of this.client.onlineUsers) add(name, connected);
    for (const key of this.unread.conversations()) {
      const address = this.conversations.get(key)?.conversation;
      if (address?.kind === 'direct') add(address.with, false);
    }
    return sortUsers([...entries.values()]);
  }

  unreadCount(address: Conversation): number {
    return this.unread.count(conversationKey(address));
  }

  totalUnread(): number {
    return this.unread.total();
  }

  /** The panel of this conversation is visible: it is read. Returns where unread messages began. */
  show(address: Conversation): string | undefined {
    const count = this.unreadCount(address);
    const firstUnread = this.unread.show(conversationKey(address));
    if (count > 0) this.unreadTotalsChanged();
    return firstUnread;
  }

  hide(address: Conversation): void {
    this.unread.hide(conversationKey(address));
  }

  send(address: Conversation, text: string): OutgoingMessage {
    const outgoing = this.client.send(text, relayRecipient(address));
    const conversation = this.conversation(address);
    conversation.track(outgoing, this.now());
    this.conversationChanged.fire(conversation.key);
    return outgoing;
  }

  /** Typing notices are a courtesy: one for a conversation this connection cannot reach is dropped. */
  sendTyping(address: Conversation): void {
    let recipient: string | undefined;
    try {
      recipient = relayRecipient(address);
    } catch {
      return;
    }
    this.client.sendTyping(recipient);
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
    let person: string | undefined;
    try {
      person = relayRecipient(address);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    const key = conversation.key;
    const running = this.loading.get(key);
    if (running) return running;
    if (!conversation.hasMore) return Promise.resolve();
    const before = conversation.oldestSeq;
    const request = this.client
      .requestHistory({
        ...(person !== undefined ? { with: person } : {}),
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
    if (isNews) this.received.fire({ message, conversation: conversation.conversation, unread });
  }

  private onSent(outgoing: OutgoingMessage): void {
    const conversation = this.conversationOfOutgoing(outgoing);
    if (outgoing.seq !== undefined) this.latestSeq = Math.max(this.latestSeq, outgoing.seq);
    conversation.acknowledge(outgoing, this.self);
    this.conversationChanged.fire(conversation.key);
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

  private onTyping(from: string, to: string | undefined): void {
    if (sameName(from, this.self)) return;
    this.typing.note(conversationKey(conversationOfMessage({ from, to }, this.self)), from);
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
