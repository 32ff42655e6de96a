/**
 * Checks for what the user types: settings asked for in input boxes, and messages. Each returns
 * a message saying what is wrong, or undefined when the input is fine (the shape
 * `InputBoxOptions.validateInput` wants).
 */
// From limits directly: the webview bundle uses these checks and needs none of the wire schemas.
import { codePointLength, isValidName, LIMITS } from '../../protocol/limits';

export function validateServerUrl(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return 'Enter a WebSocket URL such as ws://127.0.0.1:4446';
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') return 'The URL must start with ws:// or wss://';
  if (!url.hostname) return 'The URL needs a host name';
  return undefined;
}

export function validateUserName(text: string): string | undefined {
  if (isValidName(text)) return undefined;
  return `A name is 1 to ${LIMITS.nameMaxLength} ASCII letters, digits, "_", "-" and "."`;
}

/** A name suggestion made from the operating system's user name. */
export function suggestUserName(osUserName: string): string {
  const cleaned = osUserName.replace(/[^A-Za-z0-9_.-]/g, '').slice(0, LIMITS.nameMaxLength);
  return cleaned || 'user';
}

export function validateMessageText(text: string): string | undefined {
  if (text.trim().length === 0) return 'Type a message first';
  const length = codePointLength(text);
  if (length > LIMITS.textMaxCodePoints) {
    return `Messages are limited to ${count(LIMITS.textMaxCodePoints)} characters; this one has ${count(length)}`;
  }
  return undefined;
}

/** From this many code points on, the composer shows how close a message is to the limit. */
const COUNTER_FROM = 3500;

export interface LengthCounter {
  /** "3,612 / 4,000" */
  text: string;
  over: boolean;
}

/** The composer's counter for `text`, or undefined while the text is far from the limit. */
export function lengthCounter(text: string): LengthCounter | undefined {
  const length = codePointLength(text);
  if (length < COUNTER_FROM) return undefined;
  return { text: `${count(length)} / ${count(LIMITS.textMaxCodePoints)}`, over: length > LIMITS.textMaxCodePoints };
}

/** Every message of the UI is English, and so are its numbers. */
function count(n: number): string {
  return n.toLocaleString('en-US');
}
