/**
 * What each client frame means: names and sessions, storing and relaying messages, history,
 * typing and presence. Storage, fan-out and presence go through their seams.
 */
import {
  CloseCode,
  LIMITS,
  nameKey,
  refOf,
  replyTagsOfFrame,
  type HelloFrame,
  type HistoryRequestFrame,
  type ReadRequestFrame,
  type SayFrame,
  type ServerFrame,
  type TypingRequestFrame,
  type WelcomeFrame,
} from '../protocol';
import type { Audience, Broker, PresenceManager } from './broker/broker';
import type { ChannelRequestFrame, ChannelRequests } from './channel-requests';
import { audienceOf, type Conversations, type Resolved } from './conversations';
import type { Mentions } from './mentions';
import type { ChannelStore } from './store/channel-store';
import type { Connection, FrameHandler } from './connection';
import { serialiseHistory, serialiseWelcome } from './frame-budget';
import type { Hub } from './hub';
import type { Logger } from './options';
import type { AccountRequestFrame, AccountRequests } from './account-requests';
import type { AdminRequestFrame, AdminRequests } from './admin-requests';
import type { Authenticator } from './authentication';
import type { IdentityStore } from './identity/identity-store';
import { runAdmin, type AdminAction } from './admin';
import { closeDevices, DISABLED_REASON } from './disconnect';
import type { MessageStore } from './store/message-store';
import { StoreUnavailableError } from './store/store-unavailable';

const RELEASED_REASON = 'the server administrator released this name';
const SIGNED_OUT_WHILE_JOINING = 'this device was signed out while it connected';
const REPLACED_REASON = 'replaced by a newer connection of the same device';
/** Why an operator's command closes devices, where it is not a plain sign-out. */
const ADMIN_REASONS: Partial<Record<AdminAction['kind'], string>> = { 'user-remove': RELEASED_REASON, 'user-disable': DISABLED_REASON };

export interface ChatServiceDependencies {
  identity: IdentityStore;
  store: MessageStore;
  broker: Broker;
  presence: PresenceManager;
  hub: Hub;
  logger: Logger;
  serverId: string;
  authenticator: Authenticator;
  accountRequests: AccountRequests;
  adminRequests: AdminRequests;
  channels: ChannelStore;
  conversations: Conversations;
  channelRequests: ChannelRequests;
  mentions: Mentions;
}

export class ChatService implements FrameHandler {
  /** Set while shutting down: connections then close without telling the others. */
  private stopping = false;

  private readonly identity: IdentityStore;
  private readonly store: MessageStore;
  private readonly broker: Broker;
  private readonly presence: PresenceManager;
  private readonly hub: Hub;
  private readonly logger: Logger;
  private readonly serverId: string;
  private readonly authenticator: Authenticator;
  private readonly accountRequests: AccountRequests;
  private readonly adminRequests: AdminRequests;
  private readonly channels: ChannelStore;
  private readonly conversations: Conversations;
  private readonly channelRequests: ChannelRequests;
  private readonly mentions: Mentions;

  constructor(dependencies: ChatServiceDependencies) {
    ({
      identity: this.identity,
      store: this.store,
      broker: this.broker,
      presence: this.presence,
      hub: this.hub,
      logger: this.logger,
      serverId: this.serverId,
      authenticator: this.authenticator,
      accountRequests: this.accountRequests,
      adminRequests: this.adminRequests,
      channels: this.channels,
      conversations: this.conversations,
      channelRequests: this.channelRequests,
      mentions: this.mentions,
    } = dependencies);
    // A node that died, or this node's users back after its presence expired: announced like any join or leave.
    this.presence.onChange?.((change) => this.publishPresence(change.name, change.key, change.online));
  }

  stop(): void {
    this.stopping = true;
  }

  async hello(connection: Connection, frame: HelloFrame): Promise<void> {
    const claim = await this.authenticator.hello(frame, connection.address);
    if (!connection.isOpen) return;
    if (!claim.ok) {
      connection.refuseHello(claim.code, claim.message, replyTagsOfFrame(frame), claim.retryAfterMs);
      return;
    }
    const user = claim.account;
    const key = nameKey(user.name);
    const v2 = frame.protocol !== undefined && frame.protocol >= 2;
    connection.beginWelcome(user, key, claim.device.id, v2 ? 2 : 1);
    const wasHere = this.hub.has(key);
    const { sameDevice, formerOwner } = this.hub.register(key, connection);
    sameDevice?.close(CloseCode.Replaced, REPLACED_REASON);
    // And on every other node: the same device connected there is replaced too.
    this.broker.publish({
      audience: { kind: 'users', keys: [key] },
      disconnect: { userId: user.id, deviceId: claim.device.id, code: CloseCode.Replaced, reason: REPLACED_REASON, sparing: connection.id },
    });
    if (formerOwner.length > 0) {
      // The name was released and taken by someone else while its old holder was still here.
      for (const stale of formerOwner) stale.close(CloseCode.SignedOut, RELEASED_REASON);
      this.publishPresence(formerOwner[0]!.user!.name, key, false);
      await this.presence.join(key, user.name); // the new owner's spelling
      this.publishPresence(user.name, key, true);
    } else if (!wasHere && (await this.presence.join(key, user.name))) {
      // Online while any device is: the others hear of the first device only.
      this.publishPresence(user.name, key, true);
    }
    // A revoke, disable or release that committed after the sign-in was checked but published
    // its close before this connection was in the hub would have missed it: check once more.
    if (!(await this.stillSignedIn(user.name, claim.token))) {
      connection.close(CloseCode.SignedOut, SIGNED_OUT_WHILE_JOINING);
      return;
    }
    // Subscribed before the snapshot is read: what is committed after it arrives live.
    if (v2) {
      this.hub.beginLoading(connection);
      this.hub.subscribe(connection, await this.channels.subscriptions(user));
    } else {
      this.hub.subscribe(connection, [this.conversations.general.id]);
    }
    const snapshot = await this.store.welcomeSnapshot(
      user,
      v2 ? 'all' : 'general-and-direct',
      frame.resume,
      frame.resume === undefined ? LIMITS.welcomeRecentMessages : LIMITS.resumeMaxMessages,
    );
    connection.readingWelcomePart('users');
    const users = await this.presence.online();
    const welcome: WelcomeFrame = {
      type: 'welcome',
      ...refOf(frame),
      name: user.name,
      session: claim.token,
      token: claim.token,
      account: { admin: user.admin, password: user.hasPassword },
      server: this.serverId,
      users,
      messages: snapshot.messages,
      seq: snapshot.latestSeq,
      ...(snapshot.gap ? { gap: true } : {}),
    };
    if (v2) {
      connection.readingWelcomePart('conversations');
      // Counted up to the snapshot: the messages after it follow the welcome and count then.
      Object.assign(welcome, { protocol: 2 }, await this.channels.readState(user, snapshot.latestSeq));
    }
    connection.finishWelcome(serialiseWelcome(welcome, frame.resume !== undefined), snapshot.latestSeq);
    this.logger.info(`${user.name} ${claim.created ? 'registered and ' : ''}connected`);
  }

  private async stillSignedIn(name: string, token: string): Promise<boolean> {
    const current = await this.identity.verifyDevice(name, token);
    return current !== undefined && !current.account.disabled;
  }

  async say(connection: Connection, frame: SayFrame): Promise<void> {
    const sender = connection.user!;
    const tags = replyTagsOfFrame(frame);
    // Says go to the store in the order they came, whatever each waits for before (a mention's
    // look-up), so one sender's messages get their seqs in the order sent.
    const turn = connection.takeStoreTurn();
    let appending;
    try {
      const target = await this.conversations.resolve(connection, frame, 'write', tags);
      if (!target) return;
      const mentions = await this.mentions.resolve(sender, target, frame.text);
      if (mentions === 'not-allowed') {
        connection.sendError('MENTION_NOT_ALLOWED', '@channel is for administrators here, or for channels small enough; nothing was sent', tags);
        return;
      }
      await turn.ready;
      appending = {
        target,
        result: this.store.append({
          sender,
          clientId: frame.id,
          text: frame.text,
          conversation: target.conversation,
          ...(mentions.mentions ? { mentions: mentions.mentions, mentioned: mentions.mentioned } : {}),
          ...(frame.attachments ? { attachments: frame.attachments } : {}),
        }),
      };
    } finally {
      turn.done();
    }
    const { target } = appending;
    let result;
    try {
      result = await appending.result;
    } catch (error) {
      // An outage is answered alike for every frame, by the connection: UNAVAILABLE.
      if (error instanceof StoreUnavailableError) throw error;
      this.logger.warn(`storing a message failed: ${String(error)}`);
      connection.sendError('INTERNAL', 'the message could not be stored; send it again', tags);
      return;
    }
    const message = result.message;
    connection.send({ type: 'ack', ...refOf(frame), id: message.id, seq: message.seq, ts: message.ts });
    if (result.duplicate) return;
    // Everyone it is for, the sender's other devices included; the sending device has its ack.
    const audience = { ...audienceOf(target.conversation, connection.key!), exceptDevice: connection.deviceId! };
    this.publish(message, audience, message.seq);
  }

  async history(connection: Connection, frame: HistoryRequestFrame): Promise<void> {
    const limit = Math.min(frame.limit ?? LIMITS.historyDefaultLimit, LIMITS.historyMaxLimit);
    const target = await this.conversations.resolve(connection, frame, 'see', replyTagsOfFrame(frame));
    if (!target) return;
    let result;
    try {
      result = await this.store.history({ viewer: connection.user!, conversation: target.conversation, limit, before: frame.before });
    } catch (error) {
      if (error instanceof StoreUnavailableError) throw error;
      this.logger.warn(`reading history failed: ${String(error)}`);
      connection.sendError('INTERNAL', 'history could not be read; try again', replyTagsOfFrame(frame));
      return;
    }
    connection.sendSerialised(
      serialiseHistory({
        type: 'history',
        ...refOf(frame),
        ...(target.kind === 'direct' ? { with: target.with.name } : {}),
        // As the request named it: a v1 client's #general page looks as it always did.
        ...(frame.channel !== undefined && target.kind === 'channel' ? { channel: target.channel.name } : {}),
        ...(frame.before !== undefined ? { before: frame.before } : {}),
        messages: result.messages,
        more: result.more,
      }),
    );
  }

  /** Typing is ephemeral: to someone offline (or to oneself) it is dropped. */
  async typing(connection: Connection, frame: TypingRequestFrame): Promise<void> {
    const from = connection.user!.name;
    if (frame.to !== undefined && frame.channel === undefined) {
      // To a person: dropped unless they are online, without a look-up otherwise.
      const key = nameKey(frame.to);
      if (key !== connection.key && (await this.presence.isOnline(key))) {
        const recipient = await this.identity.accountByName(frame.to);
        if (recipient) this.publish({ type: 'typing', from, to: recipient.name }, { kind: 'users', keys: [key] });
      }
      return;
    }
    const general = this.conversations.general;
    if (frame.to === undefined && (frame.channel === undefined || frame.channel === general.name)) {
      // #general's typing looks as it always did, which every client reads as #general. Everyone
      // may type there, so it goes out at once, in order with the typing before and after it.
      this.publish({ type: 'typing', from }, { kind: 'channel', channelId: general.id, except: connection.key! });
      return;
    }
    const target = await this.conversations.resolve(connection, frame, 'write', replyTagsOfFrame(frame));
    if (target?.kind !== 'channel') return;
    this.publish({ type: 'typing', from, channel: target.channel.name }, { kind: 'channel', channelId: target.channel.id, except: connection.key! });
  }

  /** Marks a conversation read; all the user's devices hear the new position, the asking one with its ref. */
  async read(connection: Connection, frame: ReadRequestFrame): Promise<void> {
    const target = await this.conversations.resolve(connection, frame, 'member', replyTagsOfFrame(frame));
    if (!target) return;
    const position = await this.channels.markRead(connection.user!, target.conversation, frame.seq);
    const read: ServerFrame = {
      type: 'read',
      ...addressOf(target),
      seq: position.seq,
      unread: position.unread,
      mentions: position.mentions,
    };
    this.broker.publish({
      audience: { kind: 'users', keys: [connection.key!], exceptDevice: connection.deviceId! },
      payload: JSON.stringify(read),
      welcomePart: 'conversations',
    });
    connection.send({ ...read, ...refOf(frame) });
  }

  channelRequest(connection: Connection, frame: ChannelRequestFrame): Promise<void> {
    return this.channelRequests.handle(connection, frame);
  }

  account(connection: Connection, frame: AccountRequestFrame): Promise<void> {
    return this.accountRequests.handle(connection, frame);
  }

  adminRequest(connection: Connection, frame: AdminRequestFrame): Promise<void> {
    return this.adminRequests.handle(connection, frame);
  }

  closed(connection: Connection): void {
    const key = connection.key!;
    // Offline once the last device is gone.
    if (!this.hub.unregister(key, connection) || this.stopping) return;
    const name = connection.user!.name;
    this.presence.leave(key).then(
      (wasOnline) => {
        if (wasOnline) this.publishPresence(name, key, false);
      },
      (error: unknown) => this.logger.warn(`marking ${name} offline failed: ${String(error)}`),
    );
    this.logger.info(`${name} disconnected`);
  }

  /**
   * An operator's command on this running server: devices it signs out (or whose account it
   * disables) are closed with 4004 wherever they are. `publicUrl` goes into invite links.
   */
  admin(action: AdminAction, publicUrl?: string): Promise<string[]> {
    return runAdmin(action, {
      identity: this.identity,
      store: this.store,
      ...(publicUrl !== undefined ? { publicUrl } : {}),
      signedOut: (account, deviceIds) => {
        closeDevices(this.broker, account, deviceIds, ADMIN_REASONS[action.kind] ?? 'the server administrator signed this device out');
        this.logger.info(`${action.kind}: signed out ${deviceIds === 'all' ? 'every device' : `${deviceIds.length} device(s)`} of ${account.name}`);
      },
    });
  }

  private publishPresence(name: string, key: string, online: boolean): void {
    this.broker.publish({
      audience: { kind: 'everyone', except: key },
      payload: JSON.stringify({ type: 'presence', name, online } satisfies ServerFrame),
      lazy: true,
      welcomePart: 'users',
    });
  }

  private publish(frame: ServerFrame, audience: Audience, seq?: number): void {
    this.broker.publish({ audience, payload: JSON.stringify(frame), ...(seq !== undefined ? { seq } : {}) });
  }
}

/** The fields of a `read` frame for a conversation. */
function addressOf(target: Resolved): { channel: string } | { with: string } {
  return target.kind === 'channel' ? { channel: target.channel.name } : { with: target.with.name };
}
