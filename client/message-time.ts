/**
 * A message's time as both clients show it: `12:03` for today (in local time), `2025-11-20 12:03`
 * for another day, so old history is never mistaken for today's. No imports: the webview uses it too.
 */

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}

export function formatTime(ts: number, now: number): string {
  const date = new Date(ts);
  const time = `${pad2(date.getHours())}:${pad2(date.getMinutes())}`;
  return isSameDay(ts, now) ? time : `${date.getFullYear()}-${pad2(date.getMonth() + 1)}-${pad2(date.getDate())} ${time}`;
}

/** Whether two instants fall on the same local calendar day. */
export function isSameDay(a: number, b: number): boolean {
  return new Date(a).toDateString() === new Date(b).toDateString();
}
