/**
 * Wire protocol v1: every frame is defined here once. The zod schemas validate at runtime
 * and the TypeScript types are inferred from them, so the two cannot drift apart.
 * Unknown fields are stripped, so older peers keep working when fields are added.
 */
import * as z from 'zod';
import { attachments } from './attachments';
import { isWellFormed, LIMITS } from './limits';

/**
 * Every string on the wire: a lone surrogate would be relayed as it came but stored as U+FFFD,
 * and strict JSON parsers refuse it, so it is refused at the door.
 */
const wireString = () => z.string().refine(isWellFormed, 'must not contain a lone UTF-16 surrogate');

const seq = z.number().int().nonnegative();
const count = z.number().int().nonnegative();
const userName = wireString().min(1).max(LIMITS.nameMaxLength);
/**
 * (new, protocol 2) A channel's name as a client sends it: checked by the server (see
 * protocol/conversation.ts), which answers one no channel can have with UNKNOWN_CHANNEL.
 */
const channelField = wireString().min(1).max(LIMITS.channelNameMaxLength + 1);
/** A channel's name as the server sends it: always a valid one. */
const channelName = wireString().min(1).max(LIMITS.channelNameMaxLength);
const topic = wireString().max(LIMITS.topicMaxLength);
export const messageId = wireString().min(1).max(LIMITS.messageIdMaxLength);
/** (new) A client's tag for a request; every reply or error the request causes echoes it. */
export const requestRef = wireString().min(1).max(LIMITS.refMaxLength);
const ref = requestRef.optional();

// ---- client to server ----

export const helloFrame = z.object({
  type: z.literal('hello'),
  ref,
  name: wireString(),
  /** The v1 name for a device token; a token is accepted in either. */
  session: wireString().min(1).max(LIMITS.sessionMaxLength).optional(),
  /** (new) This device's token, from an earlier welcome. */
  token: wireString().min(1).max(LIMITS.sessionMaxLength).optional(),
  /** (new) Signs this device in (and registers the name where registration allows). */
  password: wireString().optional(),
  /** (new) An invite code, for registering where registration needs one. */
  invite: wireString().min(1).max(LIMITS.inviteMaxLength).optional(),
  /** (new) A label for the device list ("VS Code on laptop"). */
  device: wireString().min(1).max(LIMITS.deviceLabelMaxLength).optional(),
  resume: seq.optional(),
  /** (new) The protocol version the client speaks: 2 for channels. Without it, 1. */
  protocol: z.number().int().positive().optional(),
});

export const sayFrame = z.object({
  type: z.literal('say'),
  ref,
  id: messageId,
  text: wireString(),
  to: wireString().optional(),
  /** (new) The channel; with neither `to` nor `channel`, #general. */
  channel: channelField.optional(),
  /** (new) Code anchors and diffs (protocol/attachments.ts); `text` stays their readable fallback. */
  attachments: attachments.optional(),
});

export const historyRequestFrame = z.object({
  type: z.literal('history'),
  ref,
  with: wireString().optional(),
  /** (new) The channel; with neither `with` nor `channel`, #general. */
  channel: channelField.optional(),
  before: seq.optional(),
  limit: z.number().int().positive().optional(),
});

export const typingRequestFrame = z.object({
  type: z.literal('typing'),
  ref,
  to: wireString().optional(),
  /** (new) The channel; with neither `to` nor `channel`, #general. */
  channel: channelField.optional(),
});

// (new) Account requests: each answered by its reply, or an error, carrying its `ref`.

/** Sets the password; `current` is needed when the account has one. */
export const passwordRequestFrame = z.object({
  type: z.literal('password'),
  ref,
  current: wireString().optional(),
  password: wireString(),
});

/** Lists the account's signed-in devices. */
export const devicesRequestFrame = z.object({
  type: z.literal('devices'),
  ref,
});

/** Signs out one device of the account (`device`, an id from `devices`) or all of them (`all`). */
export const revokeRequestFrame = z.object({
  type: z.literal('revoke'),
  ref,
  device: z.number().int().positive().optional(),
  all: z.literal(true).optional(),
});

/** Signs this device out: its token stops working. */
export const signoutRequestFrame = z.object({
  type: z.literal('signout'),
  ref,
});

/** (new) An administrator's request: the account can no longer sign in, and its live devices are closed (4004). */
export const disableRequestFrame = z.object({
  type: z.literal('disable'),
  ref,
  name: wireString(),
});

/** (new) An administrator's request: the disabled account signs in again, its devices with their tokens. */
export const enableRequestFrame = z.object({
  type: z.literal('enable'),
  ref,
  name: wireString(),
});

// (new, protocol 2) Channel requests: each answered by its reply, or an error, carrying its `ref`.

/** Creates a channel, with the sender as its first member. Answered by a `channel` event `created`. */
export const createRequestFrame = z.object({
  type: z.literal('create'),
  ref,
  channel: channelField,
  private: z.boolean().optional(),
  topic: topic.optional(),
});

/** Joins a public channel. Answered by a `channel` event `joined`. */
export const joinRequestFrame = z.object({
  type: z.literal('join'),
  ref,
  channel: channelField,
});

/** Leaves a channel (not #general). Answered by a `channel` event `left`. */
export const leaveRequestFrame = z.object({
  type: z.literal('leave'),
  ref,
  channel: channelField,
});

/** A member adds someone to the channel (the way into a private one). Answered by a `channel` event `joined`. */
export const inviteRequestFrame = z.object({
  type: z.literal('invite'),
  ref,
  channel: channelField,
  name: wireString(),
});

/** The creator or an admin sets the topic. Answered by a `channel` event `topic`. */
export const topicRequestFrame = z.object({
  type: z.literal('topic'),
  ref,
  channel: channelField,
  topic,
});

/** The creator or an admin renames the channel to `name`. Answered by a `channel` event `renamed`. */
export const renameRequestFrame = z.object({
  type: z.literal('rename'),
  ref,
  channel: channelField,
  name: channelField,
});

/** The creator or an admin archives the channel: read-only, and out of every list. Answered by a `channel` event `archived`. */
export const archiveRequestFrame = z.object({
  type: z.literal('archive'),
  ref,
  channel: channelField,
});

/** Browses the channels one may join or is in. Answered by `channels`. */
export const channelsRequestFrame = z.object({
  type: z.literal('channels'),
  ref,
});

/** Lists a channel's members. Answered by `members`. */
export const membersRequestFrame = z.object({
  type: z.literal('members'),
  ref,
  channel: channelField,
});

/** Marks a conversation read up to `seq`. Answered by `read`, which the user's other devices get too. */
export const readRequestFrame = z.object({
  type: z.literal('read'),
  ref,
  channel: channelField.optional(),
  with: wireString().optional(),
  seq,
});

export const clientFrame = z.discriminatedUnion('type', [
  helloFrame,
  sayFrame,
  historyRequestFrame,
  typingRequestFrame,
  passwordRequestFrame,
  devicesRequestFrame,
  revokeRequestFrame,
  signoutRequestFrame,
  disableRequestFrame,
  enableRequestFrame,
  createRequestFrame,
  joinRequestFrame,
  leaveRequestFrame,
  inviteRequestFrame,
  topicRequestFrame,
  renameRequestFrame,
  archiveRequestFrame,
  channelsRequestFrame,
  membersRequestFrame,
  readRequestFrame,
]);

// ---- server to client ----

const accountState = z.object({ admin: z.boolean(), password: z.boolean() });

export const chatMessage = z.object({
  type: z.literal('message'),
  seq,
  id: messageId,
  from: userName,
  to: userName.optional(),
  /** (new) The channel of a channel message (#general's too); absent on direct messages. */
  channel: channelName.optional(),
  text: wireString(),
  ts: z.number(),
  /**
   * (new) Who the text mentions, as the server parsed it: account names (as registered) that may
   * read the conversation, and `@here` (members online when it was sent) or `@channel` (all members).
   */
  mentions: z.array(wireString().min(1).max(LIMITS.nameMaxLength + 1)).optional(),
  /** (new) As the sender attached them (protocol/attachments.ts). */
  attachments: attachments.optional(),
});

/** (new, protocol 2) A channel as everyone may see it. */
const channelInfo = z.object({
  name: channelName,
  topic,
  private: z.boolean(),
  /** How many members it has. */
  members: count,
  createdBy: userName.optional(),
  archived: z.boolean().optional(),
});

/** (new, protocol 2) A channel the user is in, with the user's read state. */
const channelState = channelInfo.extend({
  unread: count,
  mentions: count,
  /** The highest seq read (0: none). */
  lastRead: seq,
});

/** (new, protocol 2) A direct conversation of the user, with their read state. */
const directState = z.object({
  with: userName,
  unread: count,
  mentions: count,
  lastRead: seq,
  /** The seq and time of its latest message. */
  lastSeq: seq,
  lastActivity: z.number(),
});

export const welcomeFrame = z.object({
  type: z.literal('welcome'),
  ref,
  name: userName,
  session: wireString(),
  /** The installation's stable id (new): the same server whatever URL reached it. */
  server: wireString().optional(),
  /** (new) This device's token: issued once, the same on its later welcomes, equal to `session`. */
  token: wireString().optional(),
  /** (new) What this account is. */
  account: accountState.optional(),
  users: z.array(userName),
  messages: z.array(chatMessage),
  seq,
  gap: z.boolean().optional(),
  /** (new) The protocol version the server speaks with this client (2 when the hello asked for 2). */
  protocol: z.number().int().positive().optional(),
  /** (new, protocol 2) The channels the user is in. */
  channels: z.array(channelState).optional(),
  /** (new, protocol 2) The user's direct conversations, the latest activity first. */
  direct: z.array(directState).optional(),
});

export const ackFrame = z.object({
  type: z.literal('ack'),
  ref,
  id: messageId,
  seq,
  ts: z.number(),
});

export const presenceFrame = z.object({
  type: z.literal('presence'),
  name: userName,
  online: z.boolean(),
});

export const typingFrame = z.object({
  type: z.literal('typing'),
  from: userName,
  to: userName.optional(),
  /** (new) The channel; absent for #general to v1 clients and on direct typing. */
  channel: channelName.optional(),
});

export const historyFrame = z.object({
  type: z.literal('history'),
  ref,
  with: userName.optional(),
  /** (new) The channel, as the request named it. */
  channel: channelName.optional(),
  before: seq.optional(),
  messages: z.array(chatMessage),
  more: z.boolean(),
});

/** (new) Answers `password`: the account as it is now. */
export const accountFrame = z.object({
  type: z.literal('account'),
  ref,
  account: accountState,
});

/** (new) Answers `devices`. `current` marks the device that asked. */
export const devicesFrame = z.object({
  type: z.literal('devices'),
  ref,
  devices: z.array(
    z.object({ id: z.number().int(), label: wireString(), createdAt: z.number(), lastSeenAt: z.number(), current: z.boolean() }),
  ),
});

/** (new) Answers `revoke` and `signout`: the ids of the devices signed out. */
export const revokedFrame = z.object({
  type: z.literal('revoked'),
  ref,
  devices: z.array(z.number().int()),
});

/** (new) Answers `disable` and `enable`: the account as it is now. */
export const userFrame = z.object({
  type: z.literal('user'),
  ref,
  name: userName,
  disabled: z.boolean(),
});

/**
 * (new, protocol 2) A channel changed: to its members (and to a member who left or was let go),
 * and as the reply to the request that changed it. `name` is who joined, left or was invited;
 * `by` who did it; `previous` the old name of a renamed channel.
 */
export const channelEvent = z.object({
  type: z.literal('channel'),
  ref,
  event: z.enum(['created', 'joined', 'left', 'topic', 'renamed', 'archived']),
  channel: channelInfo,
  name: userName.optional(),
  by: userName.optional(),
  previous: channelName.optional(),
});

/** (new, protocol 2) Answers `channels`: the public channels, and the private ones the user is in. */
export const channelsFrame = z.object({
  type: z.literal('channels'),
  ref,
  channels: z.array(channelInfo.extend({ joined: z.boolean() })),
});

/** (new, protocol 2) Answers `members`. */
export const membersFrame = z.object({
  type: z.literal('members'),
  ref,
  channel: channelName,
  members: z.array(userName),
});

/** (new, protocol 2) A conversation's read state changed: to all the user's devices; answers `read`. */
export const readFrame = z.object({
  type: z.literal('read'),
  ref,
  channel: channelName.optional(),
  with: userName.optional(),
  /** The highest seq read now (it never goes back). */
  seq,
  unread: count,
  mentions: count,
});

export const errorFrame = z.object({
  type: z.literal('error'),
  ref,
  /** One of ERROR_CODES from this server; a client accepts codes it does not know, so codes can be added. */
  code: wireString().min(1).max(64),
  /** (new) With TOO_MANY_ATTEMPTS and UNAVAILABLE: how long to wait before trying again. */
  retryAfterMs: z.number().int().nonnegative().optional(),
  message: wireString(),
  id: wireString().optional(),
});

export const serverFrame = z.discriminatedUnion('type', [
  welcomeFrame,
  chatMessage,
  ackFrame,
  presenceFrame,
  typingFrame,
  historyFrame,
  accountFrame,
  devicesFrame,
  revokedFrame,
  userFrame,
  channelEvent,
  channelsFrame,
  membersFrame,
  readFrame,
  errorFrame,
]);

export type HelloFrame = z.infer<typeof helloFrame>;
export type SayFrame = z.infer<typeof sayFrame>;
export type HistoryRequestFrame = z.infer<typeof historyRequestFrame>;
export type TypingRequestFrame = z.infer<typeof typingRequestFrame>;
export type PasswordRequestFrame = z.infer<typeof passwordRequestFrame>;
export type RevokeRequestFrame = z.infer<typeof revokeRequestFrame>;
export type DisableRequestFrame = z.infer<typeof disableRequestFrame>;
export type EnableRequestFrame = z.infer<typeof enableRequestFrame>;
export type CreateRequestFrame = z.infer<typeof createRequestFrame>;
export type ReadRequestFrame = z.infer<typeof readRequestFrame>;
export type ClientFrame = z.infer<typeof clientFrame>;

export type ChatMessage = z.infer<typeof chatMessage>;
export type WelcomeFrame = z.infer<typeof welcomeFrame>;
export type AckFrame = z.infer<typeof ackFrame>;
export type PresenceFrame = z.infer<typeof presenceFrame>;
export type TypingFrame = z.infer<typeof typingFrame>;
export type HistoryFrame = z.infer<typeof historyFrame>;
export type UserFrame = z.infer<typeof userFrame>;
export type ChannelInfo = z.infer<typeof channelInfo>;
export type ChannelState = z.infer<typeof channelState>;
export type DirectState = z.infer<typeof directState>;
export type ChannelEvent = z.infer<typeof channelEvent>;
export type ChannelsFrame = z.infer<typeof channelsFrame>;
export type MembersFrame = z.infer<typeof membersFrame>;
export type ReadFrame = z.infer<typeof readFrame>;
export type ErrorFrame = z.infer<typeof errorFrame>;
export type ServerFrame = z.infer<typeof serverFrame>;
