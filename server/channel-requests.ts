/**
 * The channel requests of protocol 2: create, join, leave, invite, topic, rename, archive,
 * browse (`channels`) and `members`. Each change is answered with a `channel` event carrying the
 * request's `ref`, goes to the channel's other protocol 2 connections as the same event, and a
 * membership change travels through the broker so every node re-subscribes its connections.
 */
import {
  GENERAL_CHANNEL,
  isValidChannelName,
  isValidName,
  LIMITS,
  nameKey,
  quote,
  refOf,
  replyTagsOfFrame,
  type ChannelEvent,
  type ClientFrame,
} from '../protocol';
import type { Broker } from './broker/broker';
import type { Connection } from './connection';
import type { Conversations, Resolved } from './conversations';
import type { IdentityStore } from './identity/identity-store';
import type { ChannelRecord, ChannelStore } from './store/channel-store';
import type { UserRecord } from './store/message-store';

export type ChannelRequestFrame = Extract<
  ClientFrame,
  { type: 'create' | 'join' | 'leave' | 'invite' | 'topic' | 'rename' | 'archive' | 'channels' | 'members' }
>;
type FrameOf<T extends ChannelRequestFrame['type']> = Extract<ChannelRequestFrame, { type: T }>;
type ChannelTarget = Extract<Resolved, { kind: 'channel' }>;

const CHANNEL_NAME_RULE = `a channel name is 1 to ${LIMITS.channelNameMaxLength} lower-case letters a-z, digits, "-" and "_"`;

export class ChannelRequests {
  constructor(
    private readonly channels: ChannelStore,
    private readonly identity: IdentityStore,
    private readonly conversations: Conversations,
    private readonly broker: Broker,
  ) {}

  handle(connection: Connection, frame: ChannelRequestFrame): Promise<void> {
    switch (frame.type) {
      case 'create':
        return this.create(connection, frame);
      case 'join':
        return this.join(connection, frame);
      case 'leave':
        return this.leave(connection, frame);
      case 'invite':
        return this.invite(connection, frame);
      case 'topic':
        return this.topic(connection, frame);
      case 'rename':
        return this.rename(connection, frame);
      case 'archive':
        return this.archive(connection, frame);
      case 'channels':
        return this.browse(connection, frame);
      case 'members':
        return this.members(connection, frame);
    }
  }

  private async create(connection: Connection, frame: FrameOf<'create'>): Promise<void> {
    const tags = replyTagsOfFrame(frame);
    if (!isValidChannelName(frame.channel)) {
      connection.sendError('BAD_CHANNEL', `${quote(frame.channel)} cannot be a channel's name: ${CHANNEL_NAME_RULE}`, tags);
      return;
    }
    const user = connection.user!;
    const channel = await this.channels.create(frame.channel, user, { private: frame.private ?? false, topic: frame.topic ?? '' });
    if (channel === 'exists') {
      connection.sendError('CHANNEL_EXISTS', channelExistsMessage(frame.channel), tags);
      return;
    }
    this.subscribe(user, channel, true);
    await this.announce(connection, frame, channel, { event: 'created', by: user.name });
  }

  private async join(connection: Connection, frame: FrameOf<'join'>): Promise<void> {
    const target = await this.conversations.channel(connection, frame.channel, 'see', replyTagsOfFrame(frame));
    if (!target) return;
    if (target.channel.archived) {
      connection.sendError('CHANNEL_ARCHIVED', `#${target.channel.name} is archived: nobody joins it any more`, replyTagsOfFrame(frame));
      return;
    }
    const user = connection.user!;
    const joined = !target.member && (await this.channels.addMember(target.channel, user));
    // Joining a channel one is in changes nothing: the answer alone says so.
    if (joined) this.subscribe(user, target.channel, true);
    await this.announce(connection, frame, target.channel, { event: 'joined', name: user.name, by: user.name }, joined);
  }

  private async leave(connection: Connection, frame: FrameOf<'leave'>): Promise<void> {
    const tags = replyTagsOfFrame(frame);
    if (frame.channel === GENERAL_CHANNEL) {
      connection.sendError('BAD_REQUEST', 'nobody leaves #general: every account is in it', tags);
      return;
    }
    const target = await this.conversations.channel(connection, frame.channel, 'member', tags);
    if (!target) return;
    const user = connection.user!;
    const left = await this.channels.removeMember(target.channel, user);
    // The members hear it, the leaver's other devices among them, before they stop being subscribed.
    await this.announce(connection, frame, target.channel, { event: 'left', name: user.name, by: user.name }, left);
    if (left) this.subscribe(user, target.channel, false);
  }

  private async invite(connection: Connection, frame: FrameOf<'invite'>): Promise<void> {
    const tags = replyTagsOfFrame(frame);
    const target = await this.conversations.channel(connection, frame.channel, 'write', tags);
    if (!target) return;
    const invitee = isValidName(frame.name) ? await this.identity.accountByName(frame.name) : undefined;
    if (!invitee) {
      connection.sendError('UNKNOWN_USER', `no user is named ${quote(frame.name)}`, tags);
      return;
    }
    const guest: UserRecord = { id: invitee.id, name: invitee.name };
    const added = await this.channels.addMember(target.channel, guest);
    if (added) this.subscribe(guest, target.channel, true);
    await this.announce(connection, frame, target.channel, { event: 'joined', name: guest.name, by: connection.user!.name }, added);
  }

  private async topic(connection: Connection, frame: FrameOf<'topic'>): Promise<void> {
    const target = await this.changeable(connection, frame, 'set the topic of');
    if (!target) return;
    const channel = await this.channels.setTopic(target.channel, frame.topic);
    await this.announce(connection, frame, channel, { event: 'topic', by: connection.user!.name });
  }

  private async rename(connection: Connection, frame: FrameOf<'rename'>): Promise<void> {
    const tags = replyTagsOfFrame(frame);
    if (!isValidChannelName(frame.name)) {
      connection.sendError('BAD_CHANNEL', `${quote(frame.name)} cannot be a channel's name: ${CHANNEL_NAME_RULE}`, tags);
      return;
    }
    const target = await this.changeable(connection, frame, 'rename');
    if (!target) return;
    const renamed = await this.channels.rename(target.channel, frame.name);
    if (renamed === 'exists') {
      connection.sendError('CHANNEL_EXISTS', channelExistsMessage(frame.name), tags);
      return;
    }
    await this.announce(connection, frame, renamed, { event: 'renamed', by: connection.user!.name, previous: target.channel.name });
  }

  private async archive(connection: Connection, frame: FrameOf<'archive'>): Promise<void> {
    const target = await this.changeable(connection, frame, 'archive');
    if (!target) return;
    const channel = await this.channels.archive(target.channel);
    await this.announce(connection, frame, channel, { event: 'archived', by: connection.user!.name });
    this.broker.publish({ audience: { kind: 'channel', channelId: channel.id }, subscription: { channelId: channel.id, subscribed: false } });
  }

  private async browse(connection: Connection, frame: FrameOf<'channels'>): Promise<void> {
    connection.send({ type: 'channels', ...refOf(frame), channels: await this.channels.browse(connection.user!) });
  }

  private async members(connection: Connection, frame: FrameOf<'members'>): Promise<void> {
    const target = await this.conversations.channel(connection, frame.channel, 'see', replyTagsOfFrame(frame));
    if (!target) return;
    const members = await this.channels.members(target.channel);
    connection.send({ type: 'members', ...refOf(frame), channel: target.channel.name, members: members.map((member) => member.name) });
  }

  /**
   * A change only the creator or an admin may make, to a channel the user can see that is not
   * archived; #general has no creator and keeps its name and its place.
   */
  private async changeable(
    connection: Connection,
    frame: FrameOf<'topic' | 'rename' | 'archive'>,
    what: string,
  ): Promise<ChannelTarget | undefined> {
    const tags = replyTagsOfFrame(frame);
    const target = await this.conversations.channel(connection, frame.channel, 'see', tags);
    if (!target) return undefined;
    if (target.channel.archived) {
      connection.sendError('CHANNEL_ARCHIVED', `#${target.channel.name} is archived: it can be read, not changed`, tags);
      return undefined;
    }
    if (frame.type !== 'topic' && target.channel.id === this.conversations.general.id) {
      connection.sendError('BAD_REQUEST', `#general cannot be ${frame.type === 'rename' ? 'renamed' : 'archived'}`, tags);
      return undefined;
    }
    if (!(await this.isCreatorOrAdmin(connection.user!, target.channel))) {
      connection.sendError('FORBIDDEN', `only the channel's creator or an administrator may ${what} #${target.channel.name}`, tags);
      return undefined;
    }
    return target;
  }

  private async isCreatorOrAdmin(user: UserRecord, channel: ChannelRecord): Promise<boolean> {
    if (channel.createdById === user.id) return true;
    // The role as stored now, not as it was at hello.
    const account = await this.identity.accountByName(user.name);
    return account !== undefined && account.id === user.id && account.admin && !account.disabled;
  }

  /** Every node's hub (un)subscribes that user's protocol 2 connections. */
  private subscribe(user: UserRecord, channel: ChannelRecord, subscribed: boolean): void {
    this.broker.publish({
      audience: { kind: 'users', keys: [nameKey(user.name)] },
      subscription: { channelId: channel.id, userId: user.id, subscribed },
    });
  }

  /**
   * The `channel` event: to the requester with its ref, and, when something changed, to the
   * channel's other protocol 2 connections (the requester's other devices among them).
   */
  private async announce(
    connection: Connection,
    frame: ChannelRequestFrame,
    channel: ChannelRecord,
    change: Pick<ChannelEvent, 'event' | 'name' | 'by' | 'previous'>,
    changed = true,
  ): Promise<void> {
    const event: ChannelEvent = { type: 'channel', event: change.event, channel: await this.channels.info(channel), ...definedOf(change) };
    if (changed) {
      this.broker.publish({
        audience: { kind: 'channel', channelId: channel.id, exceptDevice: connection.deviceId!, v2Only: true },
        payload: JSON.stringify(event),
        welcomePart: 'conversations',
      });
    }
    connection.send({ ...event, ...refOf(frame) });
  }
}

/** Private and archived channels keep their names: this is the one answer that tells a name is taken. */
function channelExistsMessage(name: string): string {
  return `a channel named #${name} exists already (private and archived channels keep their names too); choose another name`;
}

function definedOf<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;
}
