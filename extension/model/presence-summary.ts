/**
 * Join/leave lines, summarised: a burst of them (the morning, everyone reconnecting after a
 * server restart) becomes one line, "aaron, Beatrice and 34 others joined", and someone who
 * only dropped out and came back within it is left out, since nothing changed.
 */
import { nameKey } from '../../protocol/limits';

/** Joins and leaves this close to the first of a line go on that line. */
export const PRESENCE_WINDOW_MS = 2 * 60 * 1000;

/** Names a line shows before it only counts the rest. */
const NAMES_SHOWN = 2;

export interface PresenceEvent {
  key: string;
  name: string;
  online: boolean;
  ts: number;
}

export interface PresenceSummary {
  /** The key of its first event: the line keeps its place while it grows. */
  key: string;
  joined: string[];
  left: string[];
  /** When its first event happened. */
  ts: number;
}

/**
 * Summarises consecutive join/leave events (no message between them), in the order they
 * happened: one summary per window. Each person counts once, with the state they ended in;
 * an even number of events for someone means they ended where they started and are left out,
 * and a window where that is true for everyone gives no line at all.
 */
export function summarisePresence(events: readonly PresenceEvent[]): PresenceSummary[] {
  const summaries: PresenceSummary[] = [];
  let window: PresenceEvent[] = [];
  const flush = (): void => {
    const summary = summariseWindow(window);
    if (summary) summaries.push(summary);
    window = [];
  };
  for (const event of events) {
    if (window.length > 0 && event.ts - window[0]!.ts > PRESENCE_WINDOW_MS) flush();
    window.push(event);
  }
  flush();
  return summaries;
}

function summariseWindow(events: readonly PresenceEvent[]): PresenceSummary | undefined {
  const first = events[0];
  if (!first) return undefined;
  const people = new Map<string, { name: string; online: boolean; changes: number }>();
  for (const { name, online } of events) {
    const person = people.get(nameKey(name));
    if (person) Object.assign(person, { name, online, changes: person.changes + 1 });
    else people.set(nameKey(name), { name, online, changes: 1 });
  }
  const changed = [...people.values()].filter((person) => person.changes % 2 === 1);
  if (changed.length === 0) return undefined;
  return {
    key: first.key,
    joined: changed.filter((person) => person.online).map((person) => person.name),
    left: changed.filter((person) => !person.online).map((person) => person.name),
    ts: first.ts,
  };
}

/** "aaron and Beatrice joined", "aaron, Beatrice and 34 others joined; carol left". */
export function presenceText(summary: Pick<PresenceSummary, 'joined' | 'left'>): string {
  const parts: string[] = [];
  if (summary.joined.length > 0) parts.push(`${nameList(summary.joined)} joined`);
  if (summary.left.length > 0) parts.push(`${nameList(summary.left)} left`);
  return parts.join('; ');
}

/** "a", "a and b", "a, b and c", "a, b and 2 others". */
export function nameList(names: readonly string[]): string {
  if (names.length <= NAMES_SHOWN + 1) {
    return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  }
  const others = names.length - NAMES_SHOWN;
  return `${names.slice(0, NAMES_SHOWN).join(', ')} and ${others} others`;
}
