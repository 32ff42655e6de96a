/** Numbers that both sides of the wire rely on. Changing one is a protocol change. */
export const LIMITS = {
  nameMaxLength: 32,
  messageIdMaxLength: 64,
  sessionMaxLength: 128,
  textMaxCodePoints: 4000,
  historyDefaultLimit: 50,
  historyMaxLimit: 200,
  welcomeRecentMessages: 50,
  resumeMaxMessages: 1000,
  maxFrameBytes: 64 * 1024,
  helloTimeoutMs: 10_000,
} as const;

/** 1 to 32 ASCII letters, digits, `_`, `-` and `.`. */
export const NAME_PATTERN = /^[A-Za-z0-9_.-]{1,32}$/;

export function isValidName(name: string): boolean {
  return NAME_PATTERN.test(name);
}

/** Names are unique case-insensitively; this is the key they are compared by. */
export function nameKey(name: string): string {
  return name.toLowerCase();
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
  HelloRefused: 4001,
  Replaced: 4002,
  HelloTimeout: 4003,
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
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];
