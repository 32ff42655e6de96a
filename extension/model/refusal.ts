/**
 * What the extension says when a server refuses a hello, and what it offers to do next. Pure:
 * the codes are strings, so a code this version does not know yet still gets a message.
 * Every message names the next step; the server's own text is repeated only for a code with
 * no message of its own, and only cut to a bound.
 */
import { LIMITS } from '../../protocol/limits';
import { oneLine } from './one-line';

/** Code points of a server's text (or of a URL) a message repeats. */
export const SERVER_TEXT_MAX = 200;

export type RefusalStep =
  /** Ask for the password at once and sign in with it (no message first). */
  | { kind: 'askPassword'; prompt: string }
  /** Show the message with a button that asks for the password again. */
  | { kind: 'retryPassword'; button: 'Try Again' }
  /** Show the message; after `waitMs`, offer to try again. */
  | { kind: 'waitThenRetry'; waitMs: number }
  | { kind: 'chooseName'; button: 'Choose Another Name' }
  | { kind: 'showLog'; button: 'Show Log' }
  | { kind: 'none' };

export interface RefusalAnswer {
  message: string;
  next: RefusalStep;
}

export interface RefusalContext {
  code: string;
  /** The server's message, as the client passed it on (one clean line already). */
  serverText: string;
  userName: string;
  serverUrl: string;
  /** Whether the refused hello carried a password (else a token, an invite, or nothing). */
  passwordSent: boolean;
  retryAfterMs?: number;
}

/** Shown when a wait the server asks for is missing or nonsense. */
const DEFAULT_WAIT_MS = 30_000;
const MAX_WAIT_MS = 24 * 60 * 60 * 1000;

export function describeRefusal(context: RefusalContext): RefusalAnswer {
  const name = `"${context.userName}"`;
  const server = oneLine(context.serverUrl, SERVER_TEXT_MAX);
  switch (context.code) {
    case 'NAME_TAKEN':
      return {
        message: `The name ${name} is already taken on ${server}. Choose another name, or connect from the device that owns it.`,
        next: { kind: 'chooseName', button: 'Choose Another Name' },
      };
    case 'BAD_NAME':
      return {
        message: `${server} refused the name ${name}: ${oneLine(context.serverText, SERVER_TEXT_MAX)}. Choose another name.`,
        next: { kind: 'chooseName', button: 'Choose Another Name' },
      };
    case 'AUTH_REQUIRED':
      return {
        message: `${server} needs the password of ${name} to sign in.`,
        next: { kind: 'askPassword', prompt: `${server} needs the password of ${name}. (New here? Ask an admin for an invite link.)` },
      };
    case 'AUTH_FAILED':
      if (!context.passwordSent) {
        // Only the token went: this device was signed out (or the token belongs to another name).
        return {
          message: `${server} no longer accepts this device for ${name}: it was signed out.`,
          next: { kind: 'askPassword', prompt: `This device was signed out of ${name} on ${server}. Enter the password to sign in again.` },
        };
      }
      return {
        message: `Wrong name or password for ${name} on ${server}. Try again; if you forgot the password, an admin can set a new one.`,
        next: { kind: 'retryPassword', button: 'Try Again' },
      };
    case 'BAD_PASSWORD':
      return {
        message: `${server} refused the password: a password is ${LIMITS.passwordMinLength} to ${LIMITS.passwordMaxLength.toLocaleString('en-US')} characters. Try again with another.`,
        next: { kind: 'retryPassword', button: 'Try Again' },
      };
    case 'INVITE_INVALID':
      return {
        message: `${server} did not accept the invite: it is unknown, used up or expired. Ask your admin for a new invite link.`,
        next: { kind: 'none' },
      };
    case 'TOO_MANY_ATTEMPTS': {
      const waitMs = waitFrom(context.retryAfterMs);
      return {
        message: `Too many failed sign-ins for ${name} on ${server}. Wait ${Math.ceil(waitMs / 1000)} s; then you can try again.`,
        next: { kind: 'waitThenRetry', waitMs },
      };
    }
    case 'ACCOUNT_DISABLED':
      return {
        message: `An admin disabled the account ${name} on ${server}. Ask an admin to enable it again.`,
        next: { kind: 'none' },
      };
    default:
      return {
        message: `${server} refused to sign ${name} in (${oneLine(context.code, 40)}): ${oneLine(context.serverText, SERVER_TEXT_MAX)}. The log (Chat: Show Log) has the details.`,
        next: { kind: 'showLog', button: 'Show Log' },
      };
  }
}

function waitFrom(retryAfterMs: number | undefined): number {
  if (retryAfterMs === undefined || !Number.isFinite(retryAfterMs) || retryAfterMs <= 0) return DEFAULT_WAIT_MS;
  return Math.min(retryAfterMs, MAX_WAIT_MS);
}
