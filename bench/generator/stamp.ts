/**
 * The text every benchmark message carries: a stamp `~phase.sender.counter.sentAt~` that the
 * receiver can find without parsing the frame around it, then filler up to a typical chat
 * message length. The same text goes through every target, so frame sizes stay comparable.
 */
export const MESSAGE_TEXT_LENGTH = 100;
const FILLER =
  ' Relay benchmark filler: the quick brown fox jumps over the lazy dog, then does it again, and again, for size.';
const TILDE = 0x7e;
const DOT = 0x2e;
const ZERO = 0x30;

export interface Stamp {
  phase: number;
  sender: number;
  counter: number;
  /** nowMs() when the sender handed the message to its socket. */
  sentAt: number;
}

export function stampedText(phase: number, sender: number, counter: number, sentAt: number): string {
  const stamp = `~${phase}.${sender}.${counter}.${sentAt.toFixed(3)}~`;
  return stamp + FILLER.slice(0, Math.max(0, MESSAGE_TEXT_LENGTH - stamp.length));
}

// Parse position inside the text being read; module state so reading a stamp allocates nothing
// (it runs once per delivery).
let cursor = 0;

function readDigits(text: string): number {
  const start = cursor;
  let value = 0;
  while (cursor < text.length) {
    const digit = text.charCodeAt(cursor) - ZERO;
    if (digit < 0 || digit > 9) break;
    value = value * 10 + digit;
    cursor += 1;
  }
  return cursor === start ? -1 : value;
}

function skip(text: string, code: number): boolean {
  if (text.charCodeAt(cursor) !== code) return false;
  cursor += 1;
  return true;
}

/** Reads the stamp in `text` into `into`; false when the text carries no well-formed stamp. */
export function readStamp(text: string, into: Stamp): boolean {
  cursor = text.indexOf('~') + 1;
  if (cursor === 0) return false;
  const phase = readDigits(text);
  if (phase < 0 || !skip(text, DOT)) return false;
  const sender = readDigits(text);
  if (sender < 0 || !skip(text, DOT)) return false;
  const counter = readDigits(text);
  if (counter < 0 || !skip(text, DOT)) return false;
  const wholeMs = readDigits(text);
  if (wholeMs < 0 || !skip(text, DOT)) return false;
  const fractionStart = cursor;
  const microseconds = readDigits(text);
  if (microseconds < 0 || cursor - fractionStart !== 3 || !skip(text, TILDE)) return false;
  into.phase = phase;
  into.sender = sender;
  into.counter = counter;
  into.sentAt = wholeMs + microseconds / 1000;
  return true;
}
