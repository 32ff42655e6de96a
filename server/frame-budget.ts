/**
 * Keeps the frames that carry many messages (welcome, history) within the documented maximum
 * size of a server frame, LIMITS.maxServerFrameBytes. The oldest messages are dropped first, and
 * the frame says so the way the protocol already says "there is more": `gap` on a resume
 * welcome, `more` on a history page. The client pages the rest with `history`.
 */
import { LIMITS, type ChatMessage, type HistoryFrame, type WelcomeFrame } from '../protocol';

/** Room kept for the flag that may be added and the commas between messages are counted one by one. */
const FLAG_BYTES = 16;

function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value));
}

/** The newest messages that fit beside the rest of `frame`; `cut` when any had to go. */
function newestThatFit(frame: { messages: ChatMessage[] }): { messages: ChatMessage[]; cut: boolean } {
  const messages = frame.messages;
  let room = LIMITS.maxServerFrameBytes - jsonBytes({ ...frame, messages: [] }) - FLAG_BYTES;
  let first = messages.length;
  while (first > 0) {
    const size = jsonBytes(messages[first - 1]) + 1;
    if (size > room) break;
    room -= size;
    first--;
  }
  return { messages: first === 0 ? messages : messages.slice(first), cut: first > 0 };
}

/** A resume welcome that had to drop messages gets `gap`, as one past the resume limit does. */
export function fitWelcome(welcome: WelcomeFrame, resumed: boolean): WelcomeFrame {
  const { messages, cut } = newestThatFit(welcome);
  if (!cut) return welcome;
  return { ...welcome, messages, ...(resumed ? { gap: true } : {}) };
}

export function fitHistory(page: HistoryFrame): HistoryFrame {
  const { messages, cut } = newestThatFit(page);
  return cut ? { ...page, messages, more: true } : page;
}
