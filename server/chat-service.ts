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
  type SayFrame,
  type ServerFrame,
  type TypingRequestFrame,
} from '../protocol';
import type { Audience, Broker, PresenceManager } from './broker/broker';
import type { Connection, FrameHandler } from './connection';
import { serialiseHistory, serialiseWelcome } from './frame-budget';
import type { Hub } from './hub';
import type { Logger } from './options';
import type { IdentityStore } from './identity/identity-store';
import { releaseAccount } from './release';
import type { MessageStore, UserRecord } from './store/message-store';

const RELEASED_REASON = 'the server administrator released this name';

/** What a device that sent no label is called in the device list. */
const DEFAULT_DEVICE_LABEL = 'unnamed device';

export class ChatService implements FrameHandler {
  /** Set while shutting down: connections then close without telling the others. */
  private stopping = false;

  constructor(
    private readonly identity: IdentityStore,
    private readonly store: MessageStore,
    private readonly broker: Broker,
    private readonly presence: PresenceManager,
    private readonly hub: Hub,
    private readonly logger: Logger,
    private readonly serverId: string,
  ) {}

  stop(): void {
    this.stopping = true;
  }

  async hello(connection: Connection, frame: HelloFrame): Promise<void> {
    const claim = await this.identity.claimName(frame.name, frame.token ?? frame.session, frame.device ?? DEFAULT_DEVICE_LABEL);
    if (!connection.isOpen) return;
    if (claim.status === 'taken') {
      connection.refuseHello(
        'NAME_TAKEN',
        `the name "${frame.name}" belongs to someone else; pick another or connect with its session`,
        replyTagsOfFrame(frame),
      );
      return;
    }
    const user = claim.account;
    const key = nameKey(user.name);
    connection.beginWelcome(user, key);
    const previous = this.hub.register(key, connection);
    if (previous && previous.user?.id !== user.id) {
      // The name was released and taken by someone else while its old holder was still here.
      previous.close(CloseCode.SignedOut, RELEASED_REASON);
      this.publishPresence(previous.user!.name, key, false);
      await this.presence.join(key, user.name); // the new owner's spelling
      this.publishPresence(user.name, key, true);
    } else if (previous) {
      previous.close(CloseCode.Replaced, 'replaced by a newer connection of the same user');
    } else if (await this.presence.join(key, user.name)) {
      this.publishPresence(user.name, key, true);
    }
    const snapshot = await this.store.welcomeSnapshot(
      user,
      frame.resume,
      frame.resume === undefined ? LIMITS.welcomeRecentMessages : LIMITS.resumeMaxMessages,
    );
    const users = await this.presence.online();
    const welcome = serialiseWelcome({
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
    }, frame.resume !== undefined);
    connection.finishWelcome(welcome, snapshot.latestSeq);
    this.logger.info(`${user.name} ${claim.status === 'created' ? 'registered and ' : ''}connected`);
  }

  async say(connection: Connection, frame: SayFrame): Promise<void> {
    const sender = connection.user!;
    let result;
    let recipient: UserRecord | undefined;
    try {
      if (frame.to !== undefined) {
        recipient = await this.identity.accountByName(frame.to);
        if (!recipient) {
          connection.sendError('UNKNOWN_USER', `no user is named "${frame.to}"`, replyTagsOfFrame(frame));
          return;
        }
      }
      result = await this.store.append({ sender, clientId: frame.id, text: frame.text, ...(recipient ? { recipient } : {}) });
    } catch (error) {
      this.logger.warn(`storing a message failed: ${String(error)}`);
      connection.sendError('INTERNAL', 'the message could not be stored; send it again', replyTagsOfFrame(frame));
      return;
    }
    const message = result.message;
    connection.send({ type: 'ack', ...refOf(frame), id: message.id, seq: message.seq, ts: message.ts });
    if (result.duplicate) return;
    if (recipient === undefined) {
      this.publish(message, { kind: 'everyone', except: connection.key! }, message.seq);
    } else if (recipient.id !== sender.id) {
      this.publish(message, { kind: 'users', keys: [nameKey(recipient.name)] }, message.seq);
    }
  }

  async history(connection: Connection, frame: HistoryRequestFrame): Promise<void> {
    const limit = Math.min(frame.limit ?? LIMITS.historyDefaultLimit, LIMITS.historyMaxLimit);
    let result;
    let other: UserRecord | undefined;
    try {
      if (frame.with !== undefined) {
        other = await this.identity.accountByName(frame.with);
        if (!other) {
          connection.sendError('UNKNOWN_USER', `no user is named "${frame.with}"`, replyTagsOfFrame(frame));
          return;
        }
      }
      result = await this.store.history({ viewer: connection.user!, limit, before: frame.before, ...(other ? { with: other } : {}) });
    } catch (error) {
      this.logger.warn(`reading history failed: ${String(error)}`);
      connection.sendError('INTERNAL', 'history could not be read; try again', replyTagsOfFrame(frame));
      return;
    }
    connection.sendSerialised(
      serialiseHistory({
        type: 'history',
        ...refOf(frame),
        ...(other !== undefined ? { with: other.name } : {}),
        ...(frame.before !== undefined ? { before: frame.before } : {}),
        messages: result.messages,
        more: result.more,
      }),
    );
  }

  /** Typing is ephemeral: to someone offline (or to oneself) it is dropped. */
  typing(connection: Connection, frame: TypingRequestFrame): void {
    const from = connection.user!.name;
    if (frame.to === undefined) {
      this.publish({ type: 'typing', from }, { kind: 'everyone', except: connection.key! });
      return;
    }
    const key = nameKey(frame.to);
    const recipient = this.hub.get(key)?.user;
    if (recipient && key !== connection.key) {
      this.publish({ type: 'typing', from, to: recipient.name }, { kind: 'users', keys: [key] });
    }
  }

  closed(connection: Connection): void {
    const key = connection.key!;
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
   * Frees a name and deletes its private history; whoever holds it now is disconnected with
   * 4004, wherever they are connected, and the others see them leave. Resolves false when unknown.
   */
  async release(name: string): Promise<boolean> {
    const released = await releaseAccount(this.identity, this.store, name);
    if (!released) return false;
    this.broker.publish({
      audience: { kind: 'users', keys: [nameKey(released.name)] },
      disconnect: { userId: released.id, code: CloseCode.SignedOut, reason: RELEASED_REASON },
    });
    this.logger.info(`released the name ${released.name}`);
    return true;
  }

  private publishPresence(name: string, key: string, online: boolean): void {
    this.broker.publish({
      audience: { kind: 'everyone', except: key },
      payload: JSON.stringify({ type: 'presence', name, online } satisfies ServerFrame),
      lazy: true,
    });
  }

  private publish(frame: ServerFrame, audience: Audience, seq?: number): void {
    this.broker.publish({ audience, payload: JSON.stringify(frame), ...(seq !== undefined ? { seq } : {}) });
  }
}
