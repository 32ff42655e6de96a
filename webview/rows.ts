/**
 * Turns a panel's timeline into the rows it draws: day dividers, the "new messages" divider,
 * join/leave lines, and messages grouped under one header while the same person keeps
 * talking. Pure (no DOM), so it is tested in plain Node.
 */
import { nameKey } from '../protocol/limits';
import type { MessageEntry, PanelView } from '../extension/webview-protocol';
import type { TimeLabels } from './time-labels';

/** Messages further apart than this start a new group even from the same sender. */
export const GROUP_GAP_MS = 5 * 60 * 1000;

export type Row =
  | { kind: 'history'; key: 'history'; state: 'more' | 'loading' | 'start' | 'unloaded' }
  | { kind: 'day'; key: string; label: string }
  | { kind: 'unread'; key: 'unread' }
  | { kind: 'presence'; key: string; text: string; ts: number; time: string }
  | { kind: 'message'; key: string; entry: MessageEntry; showHeader: boolean; time: string };

/** Before any server welcomed this connection nothing was loaded: neither "more" nor "the beginning" is known. */
function historyState(view: Pick<PanelView, 'connection' | 'hasMore' | 'loadingOlder'>): Extract<Row, { kind: 'history' }>['state'] {
  if (!view.connection.reached) return 'unloaded';
  return view.loadingOlder ? 'loading' : view.hasMore ? 'more' : 'start';
}

/** `labels` names days and times as of now: a row whose label changes is drawn again. */
export function buildRows(
  view: Pick<PanelView, 'connection' | 'entries' | 'hasMore' | 'loadingOlder' | 'unreadFromKey'>,
  labels: TimeLabels,
): Row[] {
  const rows: Row[] = [{ kind: 'history', key: 'history', state: historyState(view) }];
  let previousDay: string | undefined;
  let previousMessage: MessageEntry | undefined;
  for (const entry of view.entries) {
    const day = labels.day(entry.ts);
    if (day !== previousDay) {
      rows.push({ kind: 'day', key: `day:${entry.key}`, label: day });
      previousDay = day;
      previousMessage = undefined;
    }
    if (entry.key === view.unreadFromKey) {
      rows.push({ kind: 'unread', key: 'unread' });
      previousMessage = undefined;
    }
    if (entry.kind === 'presence') {
      const text = `${entry.name} ${entry.online ? 'joined' : 'left'}`;
      rows.push({ kind: 'presence', key: entry.key, text, ts: entry.ts, time: labels.time(entry.ts) });
      previousMessage = undefined;
      continue;
    }
    const continues =
      previousMessage !== undefined &&
      nameKey(previousMessage.from) === nameKey(entry.from) &&
      entry.ts - previousMessage.ts < GROUP_GAP_MS;
    rows.push({ kind: 'message', key: entry.key, entry, showHeader: !continues, time: labels.time(entry.ts) });
    previousMessage = entry;
  }
  return rows;
}
