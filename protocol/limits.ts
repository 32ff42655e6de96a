/** Numbers that both sides of the wire rely on. Changing one is a protocol change. */
export const LIMITS = {
  nameMaxLength: 32,
  messageIdMaxLength: 64,
  refMaxLength: 64,
  sessionMaxLength: 128,
  deviceLabelMaxLength: 64,
  passwordMinLength: 8,
  passwordMaxLength: 1024,
  inviteMaxLength: 64,
  textMaxCodePoints: 4000,
  /** (new) A channel's name: 1 to 32 of `a-z`, `0-9`, `-`, `_`. */
  channelNameMaxLength: 32,
  /** (new) A channel's topic, in UTF-16 code units. */
  topicMaxLength: 250,
  /** (new) Attachments on one message. */
  attachmentsMax: 4,
  /** (new) A code anchor's snippet, in UTF-16 code units. */
  snippetMaxLength: 16_000,
  /** (new) A diff attachment's text, in UTF-8 bytes: with the rest of a `say` it fits the frame limit. */
  diffMaxBytes: 56 * 1024,
  /** (new) A code anchor's path, in UTF-16 code units. */
  attachmentPathMaxLength: 1024,
  /** (new) A normalised git remote ("github.com/org/repo"). */
  attachmentRemoteMaxLength: 512,
  historyDefaultLimit: 50,
  historyMaxLimit: 200,
  welcomeRecentMessages: 50,
  resumeMaxMessages: 1000,
  /** The largest frame a client may send; the server closes with 1009 past it. */
  maxFrameBytes: 64 * 1024,
  /** The largest frame the server sends: welcome and history pages are cut to fit, with `gap`/`more`. */
  maxServerFrameBytes: 1024 * 1024,
  helloTimeoutMs: 10_000,
} as const;

/** 1 to 32 ASCII letters, digits, `_`, `-` and `.`. */
export const NAME_PATTERN = /^[A-Za-z0-9_.-]{1,32}$/;

export function isValidName(name: string): boolean {
  return NAME_PATTERN.test(name);
}

/**
 * Names are unique case-insensitively; this is the key they are compared by. Only ASCII is
 * folded, so no other character can fold onto a name (KELVIN SIGN U+212A lower-cases to "k"):
 * validate a name from outside with isValidName before it is looked up.
 */
export function nameKey(name: string): string {
  return name.replace(/[A-Z]+/g, (upper) => upper.toLowerCase());
}

/** A lone (unpaired) UTF-16 surrogate: it has no UTF-8 encoding, so it could not be stored as relayed. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

export function isWellFormed(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

/** Something other than white space, format (Cf), control (Cc) or default-ignorable characters. */
const VISIBLE = /[^\s\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}]/u;

export function hasVisibleText(text: string): boolean {
  return VISIBLE.test(text);
}

/** Length in Unicode code points, which is what the text limit counts. */
export function codePointLength(text: string): number {
  let surrogatePairs = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        surrogatePairs++;
        i++;
      }
    }
  }
  return text.length - surrogatePairs;
}

export const CloseCode = {
  ServerShutdown: 1001,
  InvalidUtf8: 1007,
  FrameTooBig: 1009,
  /** (new) A node asks the client to connect again (to resume what it missed): at once. */
  Reconnect: 1012,
  /** (new) The server cannot reach its database just now (a hello answered UNAVAILABLE): reconnect with backoff. */
  TryAgainLater: 1013,
  HelloRefused: 4001,
  Replaced: 4002,
  HelloTimeout: 4003,
  /** The name was released, the device signed out or the account disabled: do not reconnect with this token. */
  SignedOut: 4004,
  Flooding: 4008,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

export const ERROR_CODES = [
  'BAD_FRAME',
  'BAD_NAME',
  'NAME_TAKEN',
  'NOT_WELCOMED',
  'TOO_LONG',
  'RATE_LIMITED',
  'UNKNOWN_USER',
  'INTERNAL',
  'AUTH_REQUIRED',
  'AUTH_FAILED',
  'INVITE_INVALID',
  'BAD_PASSWORD',
  'TOO_MANY_ATTEMPTS',
  /** (new) Valid credentials for an account an administrator disabled. */
  'ACCOUNT_DISABLED',
  /** (new) A request this account may not make (an admin's, from someone who is not one). */
  'FORBIDDEN',
  /** (new) A well-formed request that cannot be done as asked (disabling yourself). */
  'BAD_REQUEST',
  /** (new, protocol 2) No such channel, or a private one the user may not see: the same answer. */
  'UNKNOWN_CHANNEL',
  /** (new, protocol 2) A request about a (public) channel the user is not in. */
  'NOT_A_MEMBER',
  /** (new, protocol 2) `create` or `rename` to a name a channel already has. */
  'CHANNEL_EXISTS',
  /** (new, protocol 2) A new channel name that breaks the rules, or a topic too long. */
  'BAD_CHANNEL',
  /** (new, protocol 2) Writing to, or changing, an archived channel. */
  'CHANNEL_ARCHIVED',
  /** (new, protocol 2) `@channel` where the server's limit does not allow it. */
  'MENTION_NOT_ALLOWED',
  /** (new) The store (PostgreSQL) cannot be reached just now: nothing was stored; send again after `retryAfterMs`. */
  'UNAVAILABLE',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];
