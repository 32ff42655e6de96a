/**
 * Keeps the frames that carry many messages (welcome, history) within the documented maximum
 * size of a server frame, LIMITS.maxServerFrameBytes. The oldest messages are dropped first, and
 * the frame says so the way the protocol already says "there is more": `gap` on a resume
 * welcome, `more` on a history page. The client pages the rest with `history`.
 *
 * Each returns the frame serialised: a frame that fits, nearly always, costs the one
 * JSON.stringify it would cost anyway.
 */
import { LIMITS, type ChatMessage, type HistoryFrame, type WelcomeFrame } from '../protocol';

/** Room kept for the flag that may be added; the commas between messages are counted one by one. */
const FLAG_BYTES = 16;

function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value));
}

function fits(json: string): boolean {
  // A string's UTF-8 form is at most 3 bytes per UTF-16 unit: skip the count when that fits.
  return json.length * 3 <= LIMITS.maxServerFrameBytes || Buffer.byteLength(json) <= LIMITS.maxServerFrameBytes;
}

/** The newest messages that fit beside the rest of `frame`. */
function newestThatFit(frame: { messages: ChatMessage[] }): ChatMessage[] {
  const messages = frame.messages;
  let room = LIMITS.maxServerFrameBytes - jsonBytes({ ...frame, messages: [] }) - FLAG_BYTES;
  let first = messages.length;
  while (first > 0) {
    const size = jsonBytes(messages[first - 1]) + 1;
    if (size > room) break;
    room -= size;
    first--;
  }
  return messages.slice(first);
}

/** A resume welcome that had to drop messages gets `gap`, as one past the resume limit does. */
export function serialiseWelcome(welcome: WelcomeFrame, resumed: boolean): string {
  const json = JSON.stringify(welcome);
  if (fits(json)) return json;
  return JSON.stringify({ ...welcome, messages: newestThatFit(welcome), ...(resumed ? { gap: true } : {}) });
}

export function serialiseHistory(page: HistoryFrame): string {
  const json = JSON.stringify(page);
  if (fits(json)) return json;
  return JSON.stringify({ ...page, messages: newestThatFit(page), more: true });
}
