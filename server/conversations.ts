/**
 * From a request's address fields to a conversation the user may use, and from a conversation
 * to its broker audience. The privacy rule lives here, once: a private channel the user is not
 * in is answered exactly as a channel that does not exist (UNKNOWN_CHANNEL, same message).
 */
import {
  conversationOfFields,
  GENERAL_CHANNEL,
  isValidChannelName,
  isValidName,
  nameKey,
  quote,
  type AddressFields,
  type ReplyTags,
} from '../protocol';
import type { Audience } from './broker/broker';
import type { Connection } from './connection';
import type { IdentityStore } from './identity/identity-store';
import type { ChannelRecord, ChannelStore } from './store/channel-store';
import type { StoredConversation, UserRecord } from './store/message-store';

/**
 * What a request needs of the conversation. `see`: its history and members (anyone for a public
 * channel); `member`: being in it (read positions, leaving); `write`: saying, typing, changing it
 * (a member, and not archived).
 */
export type Access = 'see' | 'member' | 'write';

export type Resolved =
  | { kind: 'channel'; channel: ChannelRecord; member: boolean; conversation: StoredConversation }
  | { kind: 'direct'; with: UserRecord; conversation: StoredConversation };

export function unknownChannelMessage(name: string): string {
  return `no channel is named ${quote(name)}, or it is private and you are not in it`;
}

/** The audience of a conversation as `sender` (whose key it is) is in it. */
export function audienceOf(conversation: StoredConversation, senderKey: string): Audience {
  if (conversation.kind === 'channel') return { kind: 'channel', channelId: conversation.channel.id };
  const other = nameKey(conversation.with.name);
  return { kind: 'users', keys: other === senderKey ? [senderKey] : [other, senderKey] };
}

export class Conversations {
  constructor(
    private readonly identity: IdentityStore,
    private readonly channels: ChannelStore,
    /** #general keeps its id, name and visibility (it cannot be renamed or archived), and every account is in it. */
    readonly general: ChannelRecord,
  ) {}

  /** The conversation the fields name, if the user may use it as `access` says; otherwise the request is answered with the error and undefined returned. */
  async resolve(connection: Connection, fields: AddressFields, access: Access, tags: ReplyTags): Promise<Resolved | undefined> {
    const address = conversationOfFields(fields);
    if ('problem' in address) {
      connection.sendError('BAD_FRAME', address.problem, tags);
      return undefined;
    }
    if (address.kind === 'direct') {
      const user = isValidName(address.with) ? await this.identity.userByName(address.with) : undefined;
      if (!user) {
        connection.sendError('UNKNOWN_USER', `no user is named ${quote(address.with)}`, tags);
        return undefined;
      }
      return { kind: 'direct', with: user, conversation: { kind: 'direct', with: user } };
    }
    return this.channel(connection, address.channel, access, tags);
  }

  /** A channel by the name a client sent, checked as resolve checks it. */
  async channel(connection: Connection, name: string, access: Access, tags: ReplyTags): Promise<Extract<Resolved, { kind: 'channel' }> | undefined> {
    const channel = await this.channelNamed(name);
    if (!channel) {
      connection.sendError('UNKNOWN_CHANNEL', unknownChannelMessage(name), tags);
      return undefined;
    }
    const member = channel.id === this.general.id || (await this.channels.isMember(channel, connection.user!));
    if (channel.private && !member) {
      connection.sendError('UNKNOWN_CHANNEL', unknownChannelMessage(name), tags);
      return undefined;
    }
    if (access !== 'see' && !member) {
      connection.sendError('NOT_A_MEMBER', `you are not in #${channel.name}; join it first`, tags);
      return undefined;
    }
    if (access === 'write' && channel.archived) {
      connection.sendError('CHANNEL_ARCHIVED', `#${channel.name} is archived: it can be read, not changed`, tags);
      return undefined;
    }
    return { kind: 'channel', channel, member, conversation: { kind: 'channel', channel: { id: channel.id, name: channel.name } } };
  }

  /** A name no channel can have names none; #general needs no look-up. */
  private async channelNamed(name: string): Promise<ChannelRecord | undefined> {
    if (name === GENERAL_CHANNEL) return this.general;
    if (!isValidChannelName(name)) return undefined;
    return this.channels.channelByName(name);
  }
}
