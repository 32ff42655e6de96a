/**
 * How the chat panel names times, relative to `now`: a message's time (with its date when it is
 * not from today, as the terminal client shows it) and a day divider's label. Pure, so plain
 * Node tests cover it; the panel draws again at midnight, when "today" moves.
 */
import { formatTime, isSameDay } from '../client/message-time';

export interface TimeLabels {
  /** "Today", "Yesterday", else "Monday, 30 November" (with the year when not this one). */
  day(ts: number): string;
  /** "14:05" today, else "2026-11-30 14:05". */
  time(ts: number): string;
}

export function timeLabels(now: number, locale?: string): TimeLabels {
  const today = new Date(now);
  const yesterday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1).getTime();
  return {
    day: (ts) => {
      if (isSameDay(ts, now)) return 'Today';
      if (isSameDay(ts, yesterday)) return 'Yesterday';
      const date = new Date(ts);
      return date.toLocaleDateString(locale, {
        weekday: 'long',
        month: 'long',
        day: 'numeric',
        ...(date.getFullYear() !== today.getFullYear() ? { year: 'numeric' } : {}),
      });
    },
    time: (ts) => formatTime(ts, now),
  };
}

/** Milliseconds from `now` to the next local midnight. */
export function msUntilTomorrow(now: number): number {
  const today = new Date(now);
  return new Date(today.getFullYear(), today.getMonth(), today.getDate() + 1).getTime() - now;
}
