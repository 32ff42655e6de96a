/**
 * The server's answers to names and topics no request can succeed with, given before anything
 * is sent (even offline), with the code the server would use: a channel no channel can be named
 * is UNKNOWN_CHANNEL where it should exist, BAD_CHANNEL where it is to be made; a person no one
 * can be named is UNKNOWN_USER.
 */
import { CHANNEL_NAME_PATTERN, isValidChannelName, isValidName, LIMITS, type Conversation } from '../protocol';
import { untrustedLine } from './untrusted-text';

export type Problem = { code: string; message: string };

const CHANNEL_RULE = `a channel name is 1 to ${LIMITS.channelNameMaxLength} lower-case letters, digits, "-" and "_" (${CHANNEL_NAME_PATTERN.source})`;

function shown(name: string): string {
  return untrustedLine(JSON.stringify(name), 64);
}

export function unknownUser(name: string): Problem {
  return { code: 'UNKNOWN_USER', message: `no user can be named ${shown(name)}` };
}

/** For a channel that should exist (say, history, join, members…). */
export function existingChannelProblem(channel: string): Problem | undefined {
  return isValidChannelName(channel) ? undefined : { code: 'UNKNOWN_CHANNEL', message: `no channel can be named ${shown(channel)}: ${CHANNEL_RULE}` };
}

/** For a channel's new name (create, rename). */
export function newChannelProblem(channel: string): Problem | undefined {
  return isValidChannelName(channel) ? undefined : { code: 'BAD_CHANNEL', message: `${shown(channel)} cannot be a channel name: ${CHANNEL_RULE}` };
}

export function topicProblem(topic: string): Problem | undefined {
  return topic.length <= LIMITS.topicMaxLength
    ? undefined
    : { code: 'BAD_CHANNEL', message: `the topic is ${topic.length} characters long; the limit is ${LIMITS.topicMaxLength}` };
}

/** For the conversation a message, history request, typing notice or read mark is about. */
export function conversationProblem(conversation: Conversation): Problem | undefined {
  if (conversation.kind === 'channel') return existingChannelProblem(conversation.channel);
  return isValidName(conversation.with) ? undefined : unknownUser(conversation.with);
}
