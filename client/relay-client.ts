/**
 * The reusable, reconnecting Relay Chat protocol client, shared by the terminal client and the
 * VS Code extension. Plain Node (no `vscode`): it turns the wire protocol into events, queues
 * what is sent while offline, re-sends what was not acknowledged after a drop (same id, so the
 * server stores it once) and resumes from the highest seq seen so nothing is lost or doubled.
 */
import {
  CloseCode,
  conversationKey,
  conversationOfMessage,
  nameKey,
  parseClientFrame,
  parseServerFrame,
  sayFields,
  withFields,
  type AckFrame,
  type ChannelEvent,
  type ChannelsFrame,
  type ChatMessage,
  type ClientFrame,
  type Conversation,
  type MembersFrame,
  type ReadFrame,
  type ErrorFrame,
  type HelloFrame,
  type HistoryFrame,
  type HistoryRequestFrame,
  type SayFrame,
  type ServerFrame,
  type WelcomeFrame,
  type ChannelState,
  type DirectState,
  isValidName,
  LIMITS,
  utf8Length,
  type Attachment,
} from '../protocol';
import { Backoff, type BackoffOptions } from './backoff';
import { conversationProblem, existingChannelProblem, newChannelProblem, topicProblem, unknownUser, type Problem } from './channel-checks';
import { ConversationState, type ReadCounts } from './conversation-state';
import { HistoryRequests } from './history-requests';
import { KnownNames } from './known-names';
import { Outbox, type OutgoingMessage } from './outbox';
import { PendingRequests } from './pending-requests';
import { RelayError } from './relay-error';
import { SendPacer, type RateLimit } from './send-pacer';
import { createNodeSocket, describeClose, type WebSocketLike } from './socket';
import { describeCertificateError } from './tls-errors';
import { TypedEmitter } from './typed-emitter';
import { truncate, untrustedLine } from './untrusted-text';

export type { ReadCounts } from './conversation-state';
export type { OutgoingMessage, OutgoingStatus } from './outbox';
export { RelayError } from './relay-error';
export type { RateLimit } from './send-pacer';
export type { WebSocketLike } from './socket';

export type ConnectionState = 'connecting' | 'online' | 'offline' | 'closed';

/** (new) What a message carries besides its text. */
export interface SendOptions {
  /** Code anchors and diffs (protocol/attachments.ts), at most LIMITS.attachmentsMax. */
  attachments?: Attachment[];
}

export interface StateDetail {
  /** With 'offline': when the next attempt starts. */
  retryInMs?: number;
  /** Why the connection ended or failed. */
  error?: string;
}

export interface RelayClientOptions {
  /** ws://host:port or wss://host:port */
  url: string;
  /**
   * (new) The URLs of the same server's other nodes (one store, several processes). A connection
   * that is lost, or cannot be made, is tried again on the next node in turn, `url` first.
   */
  otherNodes?: readonly string[];
  name: string;
  /** The device token (v1: session) from a previous welcome, if any. */
  session?: string;
  /**
   * Signs in with this password (or registers the name with it, where the server lets a name
   * register). Sent until a welcome issues a token, then forgotten: reconnects use the token.
   */
  password?: string;
  /** An invite code, for registering where the server needs one; forgotten once welcomed. */
  invite?: string;
  /** Labels this device in the account's device list ("relay-chat on laptop"); cut to 64 characters. */
  device?: string;
  /**
   * Instead of `session`: asked before every hello for the session to send, so the caller can
   * first check which server the URL leads to now and offer a secret only to the server that
   * issued it (see SavedSessions).
   */
  sessionFor?: (name: string) => Promise<string | undefined>;
  /** The highest seq already seen, to resume from after a process restart. */
  lastSeq?: number;
  /** Exponential backoff with jitter; defaults 500 ms .. 30 s. */
  reconnect?: BackoffOptions;
  /** Defaults to the `ws` package; lets tests inject their own sockets. */
  createSocket?: (url: string) => WebSocketLike;
  /** The pace the client keeps to; defaults to the server's default limit (burst 30, 10/s). */
  rateLimit?: RateLimit;
  /** A connection that has not been welcomed this long after it started is dropped and retried. */
  connectTimeoutMs?: number;
  /** Trusted for wss:// besides the system's authorities (PEM): a team's own CA. */
  ca?: string | Buffer;
  /** What to tell a user whose server certificate is not trusted; each client names its own setting. */
  caHint?: string;
  /**
   * The protocol version to speak (default 1). With 2 the server sends every channel the user is
   * in, and the welcome carries `channels` and `direct` with their read state.
   */
  protocol?: 1 | 2;
}

/** Answers to a hello that end the attempt: reconnecting would only be refused again. */
const REFUSAL_CODES = [
  'BAD_NAME',
  'NAME_TAKEN',
  'AUTH_REQUIRED',
  'AUTH_FAILED',
  'INVITE_INVALID',
  'BAD_PASSWORD',
  'TOO_MANY_ATTEMPTS',
  'ACCOUNT_DISABLED',
] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

function isRefusal(code: string): code is RefusalCode {
  return (REFUSAL_CODES as readonly string[]).includes(code);
}

export interface RefusalDetail {
  /** With TOO_MANY_ATTEMPTS: how long the server wants us to wait before trying again. */
  retryAfterMs?: number;
}

export type AccountState = NonNullable<WelcomeFrame['account']>;
type AccountRequestFrame = Extract<ClientFrame, { type: 'password' | 'devices' | 'revoke' | 'signout' | 'disable' | 'enable' }>;
export type AccountReply = Extract<ServerFrame, { type: 'account' | 'devices' | 'revoked' | 'user' }>;
export type AccountFrame = Extract<AccountReply, { type: 'account' }>;
export type DevicesFrame = Extract<AccountReply, { type: 'devices' }>;
export type RevokedFrame = Extract<AccountReply, { type: 'revoked' }>;
export type UserStatusFrame = Extract<AccountReply, { type: 'user' }>;
export type DeviceInfo = DevicesFrame['devices'][number];
const CHANNEL_REQUESTS = ['create', 'join', 'leave', 'invite', 'topic', 'rename', 'archive', 'channels', 'members', 'read'] as const;
type ChannelRequestFrame = Extract<ClientFrame, { type: (typeof CHANNEL_REQUESTS)[number] }>;
export type ChannelReply = Extract<ServerFrame, { type: 'channel' | 'channels' | 'members' | 'read' }>;
export type { ChannelEvent, ChannelsFrame, MembersFrame, ReadFrame };
/** A request answered by a reply of its own, matched by `ref`. */
type RequestFrame = AccountRequestFrame | ChannelRequestFrame;
type RequestReply = AccountReply | ChannelReply;

export type RelayClientEvents = {
  state: [state: ConnectionState, detail?: StateDetail];
  welcome: [welcome: WelcomeFrame, info: { resumed: boolean }];
  session: [session: string];
  message: [message: ChatMessage];
  sent: [message: OutgoingMessage];
  failed: [message: OutgoingMessage];
  presence: [name: string, online: boolean];
  /** `to`: the other side of a direct conversation (v1); `conversation`: where it is, channels included. */
  typing: [from: string, to: string | undefined, conversation: Conversation];
  /** (protocol 2) A channel the user is in changed, or is one they are in now or no more. */
  channel: [event: ChannelEvent];
  /** (protocol 2) A conversation's read state changed, on this device or another of the user's. */
  read: [frame: ReadFrame];
  /** (protocol 2) `channels`, `direct` or their counts changed (after a welcome, message, channel event or read). */
  conversations: [];
  refused: [code: RefusalCode, message: string, detail: RefusalDetail];
  error: [error: { code: string; message: string }];
};


/** At most one typing notice per conversation this often, as the protocol asks. */
const TYPING_INTERVAL_MS = 2000;
const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;

/** How long to wait before resending a say the server answered UNAVAILABLE: what it asks, within reason. */
function unavailableRetryMs(asked: number | undefined): number {
  return Math.min(Math.max(asked ?? 2000, 100), 30_000);
}

/** Throws what is wrong with a server URL: it must parse and be ws:// or wss://. */
function checkServerUrl(url: string): void {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new TypeError(`not a valid server URL: ${JSON.stringify(url)} (expected ws://host:port)`);
  }
  if (protocol !== 'ws:' && protocol !== 'wss:') {
    throw new TypeError(`the server URL must start with ws:// or wss:// (got ${JSON.stringify(url)})`);
  }
}

export class RelayClient extends TypedEmitter<RelayClientEvents> {
  /** `url`, then the other nodes: the one connected to (or tried next) is `nodes[nodeIndex]`. */
  private readonly nodes: readonly string[];
  private nodeIndex = 0;
  private readonly createSocket: (url: string) => WebSocketLike;
  private readonly sessionFor: ((name: string) => Promise<string | undefined>) | undefined;
  private readonly connectTimeoutMs: number;
  private readonly caHint: string;
  private readonly backoff: Backoff;
  private readonly pacer: SendPacer;
  private readonly outbox = new Outbox();
  private readonly users = new Set<string>();
  private readonly knownNames = new KnownNames();
  private readonly historyRequests = new HistoryRequests();
  private readonly requests = new PendingRequests<RequestFrame, RequestReply>();
  private readonly conversations = new ConversationState();
  private readonly protocolVersion: 1 | 2;
  /** The version the server speaks with us, as of the last welcome. */
  private welcomeProtocol = 1;
  /** Seqs of our own acked messages not yet passed by the resume point: a resume welcome repeats them. */
  private readonly ownAckedSeqs = new Set<number>();
  private readonly typingSentAt = new Map<string, number>();
  private readonly closeWaiters: Array<() => void> = [];

  private currentState: ConnectionState = 'offline';
  private displayName: string;
  private sessionSecret: string | undefined;
  /** Whether the server issues tokens: then the secret goes as `token`, else as a v1 `session`. */
  private serverIssuesTokens = false;
  private password: string | undefined;
  private invite: string | undefined;
  private readonly deviceLabel: string | undefined;
  private account: AccountState | undefined;
  private highestSeq: number | undefined;
  private socket: WebSocketLike | undefined;
  private socketError: string | undefined;
  private welcomed = false;
  private helloResumed = false;
  /** Set by close(), a refused hello or a takeover: no more reconnects. */
  private stopped = false;
  private refusal: string | undefined;
  /** Set by signIn() before the refused connection has closed: then it connects again. */
  private signInAfterRefusal = false;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private connectTimer: ReturnType<typeof setTimeout> | undefined;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: RelayClientOptions) {
    super();
    for (const url of [options.url, ...(options.otherNodes ?? [])]) checkServerUrl(url);
    if (options.lastSeq !== undefined && !(Number.isInteger(options.lastSeq) && options.lastSeq >= 0)) {
      throw new RangeError(`lastSeq must be a non-negative integer (got ${options.lastSeq})`);
    }
    this.nodes = [options.url, ...(options.otherNodes ?? [])];
    this.displayName = options.name;
    this.sessionSecret = options.session;
    this.sessionFor = options.sessionFor;
    this.password = options.password;
    this.invite = options.invite;
    this.deviceLabel = options.device ? truncate(options.device, LIMITS.deviceLabelMaxLength) : undefined;
    this.highestSeq = options.lastSeq;
    this.createSocket = options.createSocket ?? ((url) => createNodeSocket(url, options.ca === undefined ? {} : { ca: options.ca }));
    this.caHint = options.caHint ?? "trust your team's CA certificate";
    this.connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.backoff = new Backoff(options.reconnect);
    this.pacer = new SendPacer(options.rateLimit);
    this.protocolVersion = options.protocol ?? 1;
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  /** The name as the server shows it (after a welcome; before it, the name asked for). */
  get name(): string {
    return this.displayName;
  }

  /** This device's token (a v1 server's session): what to keep to sign in again without a password. */
  get session(): string | undefined {
    return this.sessionSecret;
  }

  /** Whether the account is an admin and has a password, as of the last welcome or password change. */
  get accountState(): AccountState | undefined {
    return this.account;
  }

  /** Display names of the users online, self included, as of the last welcome and presence. */
  get onlineUsers(): ReadonlySet<string> {
    return this.users;
  }

  /** A name as the server spells it (`ALICE` -> `alice`), if it has shown it; else as given. */
  spellingOf(name: string): string {
    return this.knownNames.spellingOf(name);
  }

  /** The highest seq seen: persist it and pass it as `lastSeq` to resume after a restart. */
  get lastSeq(): number | undefined {
    return this.highestSeq;
  }

  /** The protocol version the server speaks with this client, as of the last welcome: 2 means channels. */
  get protocol(): number {
    return this.welcomeProtocol;
  }

  /** (protocol 2) The channels the user is in, by name, with their read state: from the welcome, kept up to date. */
  get channels(): readonly Readonly<ChannelState>[] {
    return this.conversations.channels;
  }

  /** (protocol 2) The user's direct conversations, the latest activity first, with their read state. */
  get direct(): readonly Readonly<DirectState>[] {
    return this.conversations.direct;
  }

  /** (protocol 2) Unread and mention counts of one conversation, if the user is in it. */
  readCounts(conversation: Conversation): ReadCounts | undefined {
    return this.conversations.counts(conversation);
  }

  /** Messages queued or waiting for their ack, oldest first. */
  get pending(): readonly OutgoingMessage[] {
    return this.outbox.pending;
  }

  connect(): void {
    if (this.stopped) throw new Error('this client was closed; create a new RelayClient to connect again');
    if (this.socket || this.reconnectTimer) return;
    this.openSocket();
  }

  /**
   * While waiting to reconnect: cuts the wait short and connects at once. The same client goes
   * on, so what is queued is sent once welcomed. Does nothing in any other state.
   */
  reconnectNow(): void {
    if (this.stopped || !this.reconnectTimer) return;
    clearTimeout(this.reconnectTimer);
    this.openSocket();
  }

  async close(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    const closed = new RelayError('CLOSED', 'the client was closed');
    this.historyRequests.rejectAll(closed);
    this.requests.rejectAll(closed);
    const socket = this.socket;
    if (!socket) {
      this.setState('closed');
      return;
    }
    await new Promise<void>((resolve) => {
      this.closeWaiters.push(resolve);
      socket.close(1000, 'client closing');
    });
  }

  /**
   * Sends (or queues, when offline) a message to the group, privately to the user `to` (a name),
   * or to a conversation (a channel, protocol 2, or a person), with `attachments` if given
   * (`text` is then their readable fallback too, see client/code-refs/fallback.ts). What the
   * server would refuse, a frame over LIMITS.maxFrameBytes included, fails at once ('failed').
   */
  send(text: string, to?: string | Conversation, options: SendOptions = {}): OutgoingMessage {
    const message = outgoingMessage(text, to, options);
    this.enqueue(message);
    return message;
  }

  /** (new) Why send() with these arguments would be refused before anything is sent, or undefined when it would go. */
  checkSend(text: string, to?: string | Conversation, options: SendOptions = {}): RelayError | undefined {
    const message = outgoingMessage(text, to, options);
    const problem = checkFrame(sayFrame(message), conversationOfOutgoing(message));
    return problem && new RelayError(problem.code, problem.message);
  }

  /** Sends a failed message again, with the same id. Throws if `id` is not a failed message. */
  retry(id: string): void {
    this.enqueue(this.outbox.takeFailed(id));
  }

  /** Older messages of a conversation (`with` a person, or a `conversation`; neither: the group), newest `limit` before `before`. */
  requestHistory(request: { with?: string; conversation?: Conversation; before?: number; limit?: number }): Promise<HistoryFrame> {
    const { conversation: named, with: person, ...paging } = request;
    const conversation = named ?? (person !== undefined ? { kind: 'direct' as const, with: person } : undefined);
    const frame: HistoryRequestFrame = { type: 'history', ...paging, ...(conversation !== undefined ? withFields(conversation) : {}) };
    const problem = checkFrame(frame, conversation);
    if (problem) return Promise.reject(new RelayError(problem.code, problem.message));
    if (!this.welcomed) return Promise.reject(new RelayError('OFFLINE', 'not connected to the server'));
    const answer = this.historyRequests.add(frame);
    this.flush();
    return answer;
  }

  /**
   * After a refused hello (AUTH_REQUIRED, say): connects again, signing in with this password.
   * What was queued before the refusal is sent once welcomed.
   */
  signIn(password: string): void {
    if (this.refusal === undefined) throw new Error('signIn() is for a client whose hello was refused');
    this.refusal = undefined;
    this.password = password;
    if (this.socket) {
      // The refused connection has not closed yet: lost() connects again once it has.
      this.signInAfterRefusal = true;
      return;
    }
    this.stopped = false;
    this.openSocket();
  }

  /** Sets the account's password; `current` is needed once it has one. Resolves with the `account` reply. */
  changePassword(current: string | undefined, next: string): Promise<AccountFrame> {
    return this.request({ type: 'password', ...(current !== undefined ? { current } : {}), password: next }, 'account');
  }

  /** The account's signed-in devices, oldest first; `current` marks this one. */
  listDevices(): Promise<DevicesFrame> {
    return this.request({ type: 'devices' }, 'devices');
  }

  /**
   * Signs out one device of the account (an id from listDevices) or all of them. With 'all'
   * this one goes too: the client then closes for good instead of reconnecting.
   */
  revokeDevice(device: number | 'all'): Promise<RevokedFrame> {
    return this.request({ type: 'revoke', ...(device === 'all' ? { all: true } : { device }) }, 'revoked');
  }

  /** Signs this device out: its token stops working and the client closes for good. */
  signOut(): Promise<RevokedFrame> {
    return this.request({ type: 'signout' }, 'revoked');
  }

  /**
   * An administrator's request: disables the account `name` (it cannot sign in, and its devices
   * are disconnected) or enables it again. Rejects with FORBIDDEN, UNKNOWN_USER or BAD_REQUEST.
   */
  setUserDisabled(name: string, disabled: boolean): Promise<UserStatusFrame> {
    return this.request({ type: disabled ? 'disable' : 'enable', name }, 'user', unknownUserProblem(name));
  }

  // ---- channels (protocol 2); each rejects with the server's code, or with the same code at once for a name no channel can have ----

  /** Creates a channel with us as its first member; resolves with the `created` event. */
  createChannel(channel: string, options: { private?: boolean; topic?: string } = {}): Promise<ChannelEvent> {
    const problem = newChannelProblem(channel) ?? (options.topic !== undefined ? topicProblem(options.topic) : undefined);
    return this.request({ type: 'create', channel, ...options }, 'channel', problem);
  }

  /** Joins a public channel; resolves with the `joined` event. */
  joinChannel(channel: string): Promise<ChannelEvent> {
    return this.request({ type: 'join', channel }, 'channel', existingChannelProblem(channel));
  }

  /** Leaves a channel (not #general); resolves with the `left` event. */
  leaveChannel(channel: string): Promise<ChannelEvent> {
    return this.request({ type: 'leave', channel }, 'channel', existingChannelProblem(channel));
  }

  /** Adds the user `name` to a channel we are in (the way into a private one); resolves with the `joined` event. */
  inviteToChannel(channel: string, name: string): Promise<ChannelEvent> {
    return this.request({ type: 'invite', channel, name }, 'channel', existingChannelProblem(channel) ?? unknownUserProblem(name));
  }

  /** For the creator or an admin; resolves with the `topic` event. */
  setTopic(channel: string, topic: string): Promise<ChannelEvent> {
    return this.request({ type: 'topic', channel, topic }, 'channel', existingChannelProblem(channel) ?? topicProblem(topic));
  }

  /** For the creator or an admin; resolves with the `renamed` event. */
  renameChannel(channel: string, name: string): Promise<ChannelEvent> {
    return this.request({ type: 'rename', channel, name }, 'channel', existingChannelProblem(channel) ?? newChannelProblem(name));
  }

  /** For the creator or an admin: the channel becomes read-only and leaves every list; resolves with the `archived` event. */
  archiveChannel(channel: string): Promise<ChannelEvent> {
    return this.request({ type: 'archive', channel }, 'channel', existingChannelProblem(channel));
  }

  /** The public channels and the private ones we are in, each with `joined`. */
  browseChannels(): Promise<ChannelsFrame> {
    return this.request({ type: 'channels' }, 'channels');
  }

  channelMembers(channel: string): Promise<MembersFrame> {
    return this.request({ type: 'members', channel }, 'members', existingChannelProblem(channel));
  }

  /** Marks a conversation read up to `seq` here and on the user's other devices; resolves with the `read` frame. */
  markRead(conversation: Conversation, seq: number): Promise<ReadFrame> {
    return this.request({ type: 'read', ...withFields(conversation), seq }, 'read', conversationProblem(conversation));
  }

  /** Tells the conversation (the group, the user `to`, or a conversation) that we are typing; throttled, and dropped when offline. */
  sendTyping(to?: string | Conversation): void {
    const conversation = typeof to === 'string' ? { kind: 'direct' as const, with: to } : to;
    const problem = conversation === undefined ? undefined : conversationProblem(conversation);
    if (problem) throw new RelayError(problem.code, problem.message);
    if (!this.welcomed) return;
    const key = conversation === undefined ? '' : conversationKey(conversation);
    const now = Date.now();
    const last = this.typingSentAt.get(key);
    if (last !== undefined && now - last < TYPING_INTERVAL_MS) return;
    if (!this.pacer.tryTake()) return;
    this.typingSentAt.set(key, now);
    this.transmit({ type: 'typing', ...(conversation !== undefined ? sayFields(conversation) : {}) });
  }

  /** The node this client is connected to, or will try next. */
  get url(): string {
    return this.nodes[this.nodeIndex]!;
  }

  /** How many nodes it knows: `url` and `otherNodes`. */
  get nodeCount(): number {
    return this.nodes.length;
  }

  // ---- connection lifecycle ----

  private openSocket(): void {
    this.reconnectTimer = undefined;
    this.socketError = undefined;
    this.setState('connecting');
    let socket: WebSocketLike;
    try {
      socket = this.createSocket(this.url);
    } catch (error) {
      this.scheduleReconnect(error instanceof Error ? error.message : String(error));
      return;
    }
    this.socket = socket;
    this.connectTimer = setTimeout(() => {
      this.lost(socket, undefined, `the server did not welcome us within ${this.connectTimeoutMs / 1000} s`);
      socket.close();
    }, this.connectTimeoutMs);
    // A replaced socket may still report events; only the current one counts.
    socket.addEventListener('open', () => {
      if (socket === this.socket) this.helloWhenSessionKnown(socket);
    });
    socket.addEventListener('message', (event) => {
      // After close() nothing more is reported, even what is still on its way in.
      if (socket === this.socket && !this.stopped) this.receive(event.data);
    });
    socket.addEventListener('error', (event) => {
      if (socket === this.socket) this.socketError = describeCertificateError(event.error, this.caHint) ?? event.message;
    });
    socket.addEventListener('close', (event) => {
      this.lost(socket, event.code, describeClose(event.code, event.reason, this.socketError));
    });
  }

  private helloWhenSessionKnown(socket: WebSocketLike): void {
    if (!this.sessionFor) {
      this.sendHello();
      return;
    }
    this.sessionFor(this.displayName).then(
      (session) => {
        if (socket !== this.socket) return;
        this.sessionSecret = session;
        this.sendHello();
      },
      (error: unknown) => {
        this.lost(socket, undefined, `could not look up the session: ${error instanceof Error ? error.message : String(error)}`);
        socket.close();
      },
    );
  }

  private sendHello(): void {
    const hello: HelloFrame = { type: 'hello', name: this.displayName };
    if (this.sessionSecret !== undefined) {
      if (this.serverIssuesTokens) hello.token = this.sessionSecret;
      else hello.session = this.sessionSecret;
      if (this.highestSeq !== undefined) hello.resume = this.highestSeq;
    }
    if (this.password !== undefined) hello.password = this.password;
    if (this.invite !== undefined) hello.invite = this.invite;
    if (this.deviceLabel !== undefined) hello.device = this.deviceLabel;
    if (this.protocolVersion !== 1) hello.protocol = this.protocolVersion;
    this.helloResumed = hello.resume !== undefined;
    this.pacer.reset();
    this.pacer.consume();
    this.transmit(hello);
  }

  /** The socket ended (closeCode undefined: we gave up on it). Decides whether to come back. */
  private lost(socket: WebSocketLike, closeCode: number | undefined, reason: string): void {
    if (socket !== this.socket) return;
    this.socket = undefined;
    this.welcomed = false;
    clearTimeout(this.connectTimer);
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.outbox.requeueSending();
    const disconnected = new RelayError('DISCONNECTED', `the connection ended before the server answered: ${reason}`);
    this.historyRequests.rejectAll(disconnected);
    this.requests.rejectAll(disconnected);
    if (this.stopped) {
      this.setState('closed');
      for (const resolve of this.closeWaiters.splice(0)) resolve();
      return;
    }
    if (closeCode === CloseCode.HelloRefused && this.signInAfterRefusal) {
      this.signInAfterRefusal = false;
      this.openSocket();
      return;
    }
    if (closeCode === CloseCode.HelloRefused) {
      this.stopped = true;
      this.password = undefined;
      this.invite = undefined;
      this.setState('closed', { error: this.refusal ?? 'the server refused our hello' });
      return;
    }
    if (closeCode === CloseCode.Replaced) {
      // Reconnecting would fight the newer connection of the same user, so stay away.
      this.stopped = true;
      this.setState('closed', { error: 'replaced by a newer connection of the same user' });
      return;
    }
    if (closeCode === CloseCode.SignedOut) {
      // Reconnecting would register the released name anew, for someone it no longer belongs to.
      this.stopped = true;
      this.setState('closed', { error: `signed out by the server: ${reason}` });
      return;
    }
    this.scheduleReconnect(reason);
  }

  private scheduleReconnect(error: string): void {
    const delay = this.backoff.next();
    // Reported while `url` is still the node that failed.
    this.setState('offline', { retryInMs: delay, error });
    // Another node may be up while this one is not; nothing ties a client to one.
    this.nodeIndex = (this.nodeIndex + 1) % this.nodes.length;
    this.reconnectTimer = setTimeout(() => this.openSocket(), delay);
  }

  private setState(state: ConnectionState, detail?: StateDetail): void {
    if (state === this.currentState && !detail) return;
    this.currentState = state;
    this.emit('state', state, detail);
  }

  // ---- frames ----

  private transmit(frame: ClientFrame): void {
    this.socket?.send(JSON.stringify(frame));
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') {
      this.emit('error', { code: 'BAD_FRAME', message: 'ignored a binary frame from the server' });
      return;
    }
    const parsed = parseServerFrame(data);
    if (!parsed.ok) {
      this.emit('error', { code: parsed.code, message: `ignored an invalid frame from the server: ${untrustedLine(parsed.message)}` });
      return;
    }
    const frame = parsed.frame;
    switch (frame.type) {
      case 'welcome':
        return this.onWelcome(frame);
      case 'message':
        return this.deliver(frame);
      case 'ack':
        return this.onAck(frame);
      case 'presence':
        this.knownNames.see(frame.name);
        if (frame.online) this.users.add(frame.name);
        else this.users.delete(frame.name);
        return this.emit('presence', frame.name, frame.online);
      case 'typing':
        return this.emit('typing', frame.from, frame.to, conversationOfMessage(frame, this.displayName));
      case 'history':
        this.knownNames.see(frame.with);
        for (const message of frame.messages) this.seeNamesIn(message);
        return this.historyRequests.answer(frame);
      case 'account':
        this.account = frame.account;
        return this.answerAccountRequest(frame);
      case 'devices':
      case 'revoked':
      case 'user':
        return this.answerAccountRequest(frame);
      case 'channel':
        this.knownNames.see(frame.name);
        this.knownNames.see(frame.by);
        if (this.conversations.applyChannelEvent(frame, this.displayName)) this.emit('conversations');
        this.emit('channel', frame);
        return this.answer(frame);
      case 'read':
        if (this.conversations.applyRead(frame)) this.emit('conversations');
        this.emit('read', frame);
        return this.answer(frame);
      case 'channels':
        return this.answer(frame);
      case 'members':
        for (const member of frame.members) this.knownNames.see(member);
        return this.answer(frame);
      case 'error':
        return this.onError(frame);
    }
  }

  private onWelcome(welcome: WelcomeFrame): void {
    clearTimeout(this.connectTimer);
    this.welcomed = true;
    this.backoff.reset();
    this.displayName = welcome.name;
    this.sessionSecret = welcome.token ?? welcome.session;
    this.serverIssuesTokens = welcome.token !== undefined;
    this.account = welcome.account;
    // Signed in: from now on the token does it, so the password is not kept a moment longer.
    this.password = undefined;
    this.invite = undefined;
    this.users.clear();
    this.knownNames.see(welcome.name);
    for (const user of welcome.users) {
      this.users.add(user);
      this.knownNames.see(user);
    }
    this.welcomeProtocol = welcome.protocol ?? 1;
    this.conversations.reset(welcome);
    this.setState('online');
    this.emit('session', this.sessionSecret);
    this.emit('welcome', welcome, { resumed: this.helloResumed });
    this.emit('conversations');
    for (const message of [...welcome.messages].sort((a, b) => a.seq - b.seq)) this.deliver(message);
    this.advanceTo(welcome.seq);
    this.flush();
  }

  /** Emits a message once: anything at or below the highest seq seen was already delivered. */
  private deliver(message: ChatMessage): void {
    this.seeNamesIn(message);
    if (this.highestSeq !== undefined && message.seq <= this.highestSeq) return;
    const ours = nameKey(message.from) === nameKey(this.displayName);
    const alreadyReported = ours && this.ownAckedSeqs.has(message.seq);
    this.advanceTo(message.seq);
    if (this.conversations.applyMessage(message, this.displayName)) this.emit('conversations');
    if (alreadyReported) return;
    // Our own message whose ack was lost in a drop: the welcome tells us it was stored.
    const pending = ours ? this.outbox.acknowledge(message.id, message.seq, message.ts) : undefined;
    if (pending) {
      this.emit('sent', pending);
      return;
    }
    this.emit('message', message);
  }

  private seeNamesIn(message: ChatMessage): void {
    this.knownNames.see(message.from);
    this.knownNames.see(message.to);
  }

  private advanceTo(seq: number): void {
    if (this.highestSeq !== undefined && seq <= this.highestSeq) return;
    this.highestSeq = seq;
    for (const own of this.ownAckedSeqs) if (own <= seq) this.ownAckedSeqs.delete(own);
  }

  private onAck(ack: AckFrame): void {
    const message = this.outbox.acknowledge(ack.id, ack.seq, ack.ts);
    if (!message) return;
    if (this.highestSeq === undefined || ack.seq > this.highestSeq) this.ownAckedSeqs.add(ack.seq);
    if (this.conversations.applySent(conversationOfMessage({ ...message, from: this.displayName }, this.displayName), ack.seq, ack.ts)) {
      this.emit('conversations');
    }
    this.emit('sent', message);
    this.flush();
  }

  private onError(error: ErrorFrame): void {
    // What the server wrote goes on into events, states and exceptions: bounded, one clean line.
    const text = untrustedLine(error.message);
    if (isRefusal(error.code) && !this.welcomed) {
      this.refusal = `${error.code}: ${text}`;
      this.emit('refused', error.code, text, error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {});
      return;
    }
    if (error.code === 'RATE_LIMITED') {
      // The server is stricter than our pace: what it dropped goes again, slower, never as failed.
      this.pacer.slowDown();
      if (error.id !== undefined) {
        // It names the say it dropped: only that one, with the same id.
        this.outbox.requeue(error.id);
      } else if (error.ref !== undefined) {
        // It names the request it dropped: only that one goes again.
        if (!this.historyRequests.resend(error.ref)) this.requests.resend(error.ref);
      } else {
        // A frame it does not name: whatever was unanswered goes again. A say that did get
        // through is deduplicated by its id; a second answer to a history request finds no one waiting.
        this.outbox.requeueSending();
        this.historyRequests.resendAll();
        this.requests.resendAll();
      }
      this.flush();
      return;
    }
    const message = error.id === undefined ? undefined : this.outbox.pendingById(error.id);
    if (message && error.code === 'UNAVAILABLE') {
      // The server could not reach its database and stored nothing: the same say goes again
      // (same id) after the wait it asks for, and everything else waits with it.
      this.outbox.requeue(message.id);
      if (!this.flushTimer) {
        this.flushTimer = setTimeout(() => {
          this.flushTimer = undefined;
          this.flush();
        }, unavailableRetryMs(error.retryAfterMs));
      }
      return;
    }
    if (message) {
      this.outbox.refuse(message, { code: error.code, message: text });
      this.emit('failed', message);
      this.flush();
      return;
    }
    if (error.id === undefined && this.historyRequests.fail(error.code, text, error.ref)) return;
    if (error.ref !== undefined && this.requests.fail(error.ref, new RelayError(error.code, text))) return;
    // A server from before accounts refuses their requests with BAD_FRAME (unknown type) and no ref.
    if (error.ref === undefined && error.id === undefined && error.code === 'BAD_FRAME') {
      const waiter = this.requests.take(() => true);
      if (waiter) {
        waiter.reject(new RelayError(error.code, `the server does not know this request (is it older?): ${text}`));
        return;
      }
    }
    this.emit('error', { code: error.code, message: text });
  }

  /** `problem`: what the server would refuse in the names the request carries, found before anything is sent. */
  private request<T extends RequestReply['type']>(
    frame: RequestFrame,
    replyType: T,
    problem?: Problem,
  ): Promise<Extract<RequestReply, { type: T }>> {
    if (this.stopped) return Promise.reject(new RelayError('CLOSED', 'the client was closed'));
    const refusal = problem ?? checkFrame(frame, undefined);
    if (refusal) return Promise.reject(new RelayError(refusal.code, refusal.message));
    if (!this.welcomed) return Promise.reject(new RelayError('OFFLINE', 'not connected to the server'));
    if (this.welcomeProtocol < 2 && (CHANNEL_REQUESTS as readonly string[]).includes(frame.type)) {
      // A protocol 1 session has no channels or read state: such a server would never answer.
      return Promise.reject(new RelayError('NOT_SUPPORTED', `the server speaks protocol ${this.welcomeProtocol} with this client, which has no channels`));
    }
    const answer = this.requests.add(frame).then((reply) =>
      reply.type === replyType
        ? (reply as Extract<RequestReply, { type: T }>)
        : Promise.reject(new RelayError('BAD_FRAME', `the server answered a ${frame.type} request with ${reply.type}`)),
    );
    this.flush();
    return answer;
  }

  private answerAccountRequest(reply: AccountReply): void {
    if (reply.ref === undefined) return;
    const request = this.requests.sentWithRef(reply.ref);
    if (reply.type === 'revoked' && (request?.type === 'signout' || (request?.type === 'revoke' && request.all === true))) {
      // The server closes us with 4004 next: that is what was asked for, so stay closed and
      // forget the token, which no longer works.
      this.stopped = true;
      this.sessionSecret = undefined;
    }
    this.requests.answer(reply.ref, reply);
  }

  /** Settles the request a reply's `ref` names; one without a ref (or not ours) is news for everyone, already reported. */
  private answer(reply: ChannelReply): void {
    if (reply.ref !== undefined) this.requests.answer(reply.ref, reply);
  }

  // ---- sending ----

  private enqueue(message: OutgoingMessage): void {
    const problem = this.stopped
      ? { code: 'CLOSED', message: 'the client was closed; the message was not sent' }
      : checkFrame(sayFrame(message), conversationOfOutgoing(message));
    if (problem) {
      this.outbox.refuse(message, problem);
      // Reported after send() returns, like a refusal from the server, so the caller can listen first.
      queueMicrotask(() => this.emit('failed', message));
      return;
    }
    this.outbox.add(message);
    this.flush();
  }

  /**
   * Puts what is waiting on the wire as fast as the pace allows: history requests first (someone
   * is looking at the screen for them), then the oldest pending message once the last is answered.
   */
  private flush(): void {
    while (this.welcomed && !this.flushTimer) {
      const history = this.historyRequests.nextUnsent();
      const account = history ? undefined : this.requests.nextUnsent();
      const message = history || account ? undefined : this.outbox.nextToSend();
      if (!history && !account && !message) return;
      const waitMs = this.pacer.waitMs();
      if (waitMs > 0) {
        this.flushTimer = setTimeout(() => {
          this.flushTimer = undefined;
          this.flush();
        }, waitMs);
        return;
      }
      this.pacer.consume();
      if (history) {
        this.historyRequests.markSent(history);
        this.transmit(history);
      } else if (account) {
        this.requests.markSent(account);
        this.transmit(account);
      } else if (message) {
        this.outbox.markSending(message);
        this.transmit(sayFrame(message));
      }
    }
  }
}

function outgoingMessage(text: string, to: string | Conversation | undefined, options: SendOptions): OutgoingMessage {
  const conversation = typeof to === 'string' ? { kind: 'direct' as const, with: to } : to;
  return {
    id: globalThis.crypto.randomUUID(),
    text,
    ...(conversation !== undefined ? sayFields(conversation) : {}),
    ...(options.attachments !== undefined ? { attachments: options.attachments } : {}),
    status: 'queued',
  };
}

function sayFrame(message: OutgoingMessage): SayFrame {
  return {
    type: 'say',
    id: message.id,
    text: message.text,
    ...(message.to !== undefined ? { to: message.to } : {}),
    ...(message.channel !== undefined ? { channel: message.channel } : {}),
    ...(message.attachments !== undefined ? { attachments: message.attachments } : {}),
  };
}

/** The conversation a message we send names, if it names one (else it is for the group). */
function conversationOfOutgoing(message: OutgoingMessage): Conversation | undefined {
  if (message.channel !== undefined) return { kind: 'channel', channel: message.channel };
  return message.to !== undefined ? { kind: 'direct', with: message.to } : undefined;
}

function unknownUserProblem(name: string): Problem | undefined {
  return isValidName(name) ? undefined : unknownUser(name);
}

/**
 * The server's own checks, run before queueing so bad input fails at once, even offline. A frame
 * over the size limit would not be refused but cut off (close 1009): it is refused here instead.
 */
function checkFrame(frame: ClientFrame, conversation: Conversation | undefined): Problem | undefined {
  const named = conversation === undefined ? undefined : conversationProblem(conversation);
  if (named) return named;
  const json = JSON.stringify(frame);
  const parsed = parseClientFrame(json);
  if (!parsed.ok) return { code: parsed.code, message: parsed.message };
  const bytes = utf8Length(json);
  if (bytes <= LIMITS.maxFrameBytes) return undefined;
  const what = frame.type === 'say' ? 'this message' : `this ${frame.type} request`;
  const hint = frame.type === 'say' && frame.attachments !== undefined ? ': send a smaller diff or snippet, or fewer attachments' : '';
  return {
    code: 'TOO_LONG',
    message: `${what} would be a ${bytes}-byte frame; the limit is ${LIMITS.maxFrameBytes} bytes (${LIMITS.maxFrameBytes / 1024} KiB)${hint}`,
  };
}
