/**
 * Wire protocol v1: every frame is defined here once. The zod schemas validate at runtime
 * and the TypeScript types are inferred from them, so the two cannot drift apart.
 * Unknown fields are stripped, so older peers keep working when fields are added.
 */
import * as z from 'zod';
import { isWellFormed, LIMITS } from './limits';

/**
 * Every string on the wire: a lone surrogate would be relayed as it came but stored as U+FFFD,
 * and strict JSON parsers refuse it, so it is refused at the door.
 */
const wireString = () => z.string().refine(isWellFormed, 'must not contain a lone UTF-16 surrogate');

const seq = z.number().int().nonnegative();
const userName = wireString().min(1).max(LIMITS.nameMaxLength);
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
});

export const sayFrame = z.object({
  type: z.literal('say'),
  ref,
  id: messageId,
  text: wireString(),
  to: wireString().optional(),
});

export const historyRequestFrame = z.object({
  type: z.literal('history'),
  ref,
  with: wireString().optional(),
  before: seq.optional(),
  limit: z.number().int().positive().optional(),
});

export const typingRequestFrame = z.object({
  type: z.literal('typing'),
  ref,
  to: wireString().optional(),
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
]);

// ---- server to client ----

const accountState = z.object({ admin: z.boolean(), password: z.boolean() });

export const chatMessage = z.object({
  type: z.literal('message'),
  seq,
  id: messageId,
  from: userName,
  to: userName.optional(),
  text: wireString(),
  ts: z.number(),
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
});

export const historyFrame = z.object({
  type: z.literal('history'),
  ref,
  with: userName.optional(),
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

export const errorFrame = z.object({
  type: z.literal('error'),
  ref,
  /** One of ERROR_CODES from this server; a client accepts codes it does not know, so codes can be added. */
  code: wireString().min(1).max(64),
  /** (new) With TOO_MANY_ATTEMPTS: how long to wait before trying again. */
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
export type ClientFrame = z.infer<typeof clientFrame>;

export type ChatMessage = z.infer<typeof chatMessage>;
export type WelcomeFrame = z.infer<typeof welcomeFrame>;
export type AckFrame = z.infer<typeof ackFrame>;
export type PresenceFrame = z.infer<typeof presenceFrame>;
export type TypingFrame = z.infer<typeof typingFrame>;
export type HistoryFrame = z.infer<typeof historyFrame>;
export type UserFrame = z.infer<typeof userFrame>;
export type ErrorFrame = z.infer<typeof errorFrame>;
export type ServerFrame = z.infer<typeof serverFrame>;
