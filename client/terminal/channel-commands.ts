/**
 * The interactive client's channel commands: /join, /leave, /channels, /create, /topic,
 * /invite, /members and /switch. Each answers in a line (or a list); a refusal from the server
 * is one line with its code.
 */
import { GENERAL, GENERAL_CHANNEL, isValidChannelName, sameConversation, type Conversation } from '../../protocol';
import type { RelayClient } from '../relay-client';
import { untrustedLine } from '../untrusted-text';
import { describe } from './describe-error';
import { channelLabel, formatChannelList, formatCounts, formatConversation, formatMembers, formatUnreadElsewhere } from './format';

export interface ChannelCommandContext {
  client: RelayClient;
  /** Where plain lines go now. */
  current(): Conversation;
  /** Makes `conversation` the current one (the prompt shows it); the caller has checked it. */
  setCurrent(conversation: Conversation): void;
  notice(text: string): void;
  problem(text: string): void;
}

/** `/switch #c`, `/switch @name`, `#c` alone: talk there from now on, told what is unread there and elsewhere. */
export function switchTo(context: ChannelCommandContext, conversation: Conversation): void {
  const { client } = context;
  if (conversation.kind === 'channel' && !isIn(client, conversation.channel)) {
    return context.problem(`you are not in ${channelLabel(conversation.channel)}: /join ${channelLabel(conversation.channel)} joins a public one, /channels lists them`);
  }
  const spelled: Conversation = conversation.kind === 'direct' ? { kind: 'direct', with: client.spellingOf(conversation.with) } : conversation;
  context.setCurrent(spelled);
  const channel = spelled.kind === 'channel' ? client.channels.find((candidate) => candidate.name === spelled.channel) : undefined;
  const topic = channel && channel.topic !== '' ? ` (topic: ${untrustedLine(channel.topic)})` : '';
  const counts = formatCounts(client.readCounts(spelled));
  context.notice(`now talking in ${formatConversation(spelled)}${topic}${counts === '' ? '' : `; ${counts}`}`);
  const elsewhere = formatUnreadElsewhere(unreadConversations(client).filter((entry) => !sameConversation(entry.conversation, spelled)));
  if (elsewhere !== undefined) context.notice(elsewhere);
}

export async function join(context: ChannelCommandContext, channel: string): Promise<void> {
  if (!isOnline(context)) return;
  try {
    await context.client.joinChannel(channel);
  } catch (error) {
    return context.problem(`could not join ${channelLabel(channel)} ${describe(error)}`);
  }
  switchTo(context, { kind: 'channel', channel });
}

/** `/leave` leaves the current channel (then #general is current), `/leave #c` that one. */
export async function leave(context: ChannelCommandContext, named: string | undefined): Promise<void> {
  const current = context.current();
  const channel = named ?? (current.kind === 'channel' ? current.channel : undefined);
  if (channel === undefined) return context.problem(`${formatConversation(current)} is not a channel: /leave #channel`);
  if (!isOnline(context)) return;
  try {
    await context.client.leaveChannel(channel);
  } catch (error) {
    return context.problem(`could not leave ${channelLabel(channel)} ${describe(error)}`);
  }
  // The `left` event has been shown; where plain lines went is gone, so they go to #general now.
  if (sameConversation(context.current(), { kind: 'channel', channel })) switchTo(context, GENERAL);
}

export async function browse(context: ChannelCommandContext): Promise<void> {
  if (!isOnline(context)) return;
  try {
    const { channels } = await context.client.browseChannels();
    context.notice(formatChannelList(channels, (name) => context.client.readCounts({ kind: 'channel', channel: name })));
  } catch (error) {
    context.problem(`cannot list the channels ${describe(error)}`);
  }
}

export async function create(context: ChannelCommandContext, channel: string, options: { private: boolean; topic?: string }): Promise<void> {
  if (!isOnline(context)) return;
  try {
    await context.client.createChannel(channel, options);
  } catch (error) {
    return context.problem(`${channelLabel(channel)} was not created ${describe(error)}`);
  }
  switchTo(context, { kind: 'channel', channel });
}

/** `/topic` shows the current channel's topic; with text it sets it (the `topic` event says so). */
export async function topic(context: ChannelCommandContext, named: string | undefined, text: string | undefined): Promise<void> {
  const current = context.current();
  const channel = named ?? (current.kind === 'channel' ? current.channel : undefined);
  if (channel === undefined) return context.problem(`${formatConversation(current)} is not a channel: /topic #channel [text]`);
  if (text === undefined) {
    const known = context.client.channels.find((candidate) => candidate.name === channel);
    if (!known) return context.problem(`you are not in ${channelLabel(channel)}: /channels shows every topic`);
    return context.notice(known.topic === '' ? `${channelLabel(channel)} has no topic` : `${channelLabel(channel)}: ${untrustedLine(known.topic)}`);
  }
  if (!isOnline(context)) return;
  try {
    await context.client.setTopic(channel, text);
  } catch (error) {
    context.problem(`the topic of ${channelLabel(channel)} was not set ${describe(error)}`);
  }
}

export async function invite(context: ChannelCommandContext, channel: string, name: string): Promise<void> {
  if (!isOnline(context)) return;
  try {
    await context.client.inviteToChannel(channel, name);
  } catch (error) {
    context.problem(`${untrustedLine(name)} was not added to ${channelLabel(channel)} ${describe(error)}`);
  }
}

/** `/rename #old #new`: the `renamed` event says so, and moves the prompt when it was there. */
export async function rename(context: ChannelCommandContext, channel: string, name: string): Promise<void> {
  if (!isOnline(context)) return;
  try {
    await context.client.renameChannel(channel, name);
  } catch (error) {
    return context.problem(`${channelLabel(channel)} was not renamed ${describe(error)}`);
  }
  if (sameConversation(context.current(), { kind: 'channel', channel })) switchTo(context, { kind: 'channel', channel: name });
}

/** `/archive [#channel]`: read-only from now on, so the prompt goes back to #general if it was there. */
export async function archive(context: ChannelCommandContext, named: string | undefined): Promise<void> {
  const current = context.current();
  const channel = named ?? (current.kind === 'channel' ? current.channel : undefined);
  if (channel === undefined) return context.problem(`${formatConversation(current)} is not a channel: /archive #channel`);
  if (!isOnline(context)) return;
  try {
    await context.client.archiveChannel(channel);
  } catch (error) {
    return context.problem(`${channelLabel(channel)} was not archived ${describe(error)}`);
  }
  if (sameConversation(context.current(), { kind: 'channel', channel })) switchTo(context, GENERAL);
}

export async function members(context: ChannelCommandContext, named: string | undefined): Promise<void> {
  const current = context.current();
  const channel = named ?? (current.kind === 'channel' ? current.channel : undefined);
  if (channel === undefined) return context.problem(`${formatConversation(current)} is not a channel: /members #channel`);
  if (!isOnline(context)) return;
  try {
    const reply = await context.client.channelMembers(channel);
    context.notice(formatMembers(reply.channel, reply.members, context.client.name));
  } catch (error) {
    context.problem(`cannot list the members of ${channelLabel(channel)} ${describe(error)}`);
  }
}

/** Every conversation with something unread, channels first. */
export function unreadConversations(client: RelayClient): Array<{ conversation: Conversation; unread: number; mentions: number }> {
  return [
    ...client.channels.map((channel) => ({ conversation: { kind: 'channel', channel: channel.name } as Conversation, unread: channel.unread, mentions: channel.mentions })),
    ...client.direct.map((direct) => ({ conversation: { kind: 'direct', with: direct.with } as Conversation, unread: direct.unread, mentions: direct.mentions })),
  ].filter((entry) => entry.unread > 0 || entry.mentions > 0);
}

/** Whether plain lines may go to the channel: one we are in, or #general on a server without channels. */
export function isIn(client: RelayClient, channel: string): boolean {
  if (client.protocol < 2) return channel === GENERAL_CHANNEL;
  return isValidChannelName(channel) && client.channels.some((candidate) => candidate.name === channel);
}

function isOnline(context: ChannelCommandContext): boolean {
  if (context.client.state === 'online') return true;
  context.problem('not connected right now: try again once reconnected');
  return false;
}
