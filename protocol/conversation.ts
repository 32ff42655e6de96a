/**
 * The one address of a conversation, and its one mapping to and from the wire's fields: a
 * channel is `"channel":NAME`, a direct conversation is `"to":NAME` (in `say`, `typing` and
 * messages) or `"with":NAME` (in `history` and `read`), and a frame with neither means
 * `#general`. Everything that needs to know where a message belongs goes through here, so a
 * new kind of conversation is one more case in this file.
 */
import { nameKey } from './limits';

/** Every account is a member of it, and v1 clients see only it and their direct messages. */
export const GENERAL_CHANNEL = 'general';

/** 1 to 32 lower-case ASCII letters, digits, `-` and `_`; shown as `#name`. */
export const CHANNEL_NAME_PATTERN = /^[a-z0-9_-]{1,32}$/;

export function isValidChannelName(name: string): boolean {
  return CHANNEL_NAME_PATTERN.test(name);
}

export type Conversation = { kind: 'channel'; channel: string } | { kind: 'direct'; with: string };

export const GENERAL: Conversation = { kind: 'channel', channel: GENERAL_CHANNEL };

/** The wire fields that name a conversation in a request; `to` and `with` are the same field in different frames. */
export interface AddressFields {
  channel?: string | undefined;
  to?: string | undefined;
  with?: string | undefined;
}

/**
 * The conversation a request's fields name, or a problem when they name two. Names are not
 * checked here: the server answers an unknown one with UNKNOWN_CHANNEL or UNKNOWN_USER.
 */
export function conversationOfFields(fields: AddressFields): Conversation | { problem: string } {
  const person = fields.to ?? fields.with;
  if (fields.channel !== undefined && person !== undefined) {
    return { problem: 'a frame names either a channel or a person, not both' };
  }
  if (fields.channel !== undefined) return { kind: 'channel', channel: fields.channel };
  if (person !== undefined) return { kind: 'direct', with: person };
  return GENERAL;
}

/** The fields of `say` and `typing` (and of a message) for a conversation. */
export function sayFields(conversation: Conversation): { channel: string } | { to: string } {
  return conversation.kind === 'channel' ? { channel: conversation.channel } : { to: conversation.with };
}

/** The fields of `history` and `read` for a conversation. */
export function withFields(conversation: Conversation): { channel: string } | { with: string } {
  return conversation.kind === 'channel' ? { channel: conversation.channel } : { with: conversation.with };
}

/**
 * Where a message belongs for the user `self`: its channel, or the direct conversation with the
 * other side (with oneself, for a note). A message with neither field is a v1 server's group message.
 */
export function conversationOfMessage(message: { from: string; to?: string | undefined; channel?: string | undefined }, self: string): Conversation {
  if (message.channel !== undefined) return { kind: 'channel', channel: message.channel };
  if (message.to === undefined) return GENERAL;
  const other = nameKey(message.from) === nameKey(self) ? message.to : message.from;
  return { kind: 'direct', with: other };
}

/** A stable key for maps and storage: `#general`, `@bob` (the name folded as names compare). */
export function conversationKey(conversation: Conversation): string {
  return conversation.kind === 'channel' ? `#${conversation.channel}` : `@${nameKey(conversation.with)}`;
}

export function sameConversation(a: Conversation, b: Conversation): boolean {
  return conversationKey(a) === conversationKey(b);
}

/** How people read it: `#general`, `@bob`. */
export function conversationLabel(conversation: Conversation): string {
  return conversation.kind === 'channel' ? `#${conversation.channel}` : `@${conversation.with}`;
}
