/**
 * Turns a panel's timeline into the rows it draws: day dividers, the "new messages" divider,
 * join/leave lines, and messages grouped under one header while the same person keeps
 * talking, with the words that mention the reader. Pure (no DOM), so it is tested in plain Node.
 */
import { nameKey } from '../protocol/limits';
import { presenceText } from '../extension/model/presence-summary';
import type { MessageEntry, PanelView, TimelineEntry } from '../extension/webview-protocol';
import { mentionTokens, splitMentions } from './mentions';
import type { TimeLabels } from './time-labels';

/** Messages further apart than this start a new group even from the same sender. */
export const GROUP_GAP_MS = 5 * 60 * 1000;

export type Row =
  | { kind: 'history'; key: 'history'; state: 'more' | 'loading' | 'start' | 'unloaded' }
  | { kind: 'day'; key: string; label: string }
  | { kind: 'unread'; key: 'unread' }
  | { kind: 'presence'; key: string; text: string; ts: number; time: string }
  | {
      kind: 'message';
      key: string;
      entry: MessageEntry;
      showHeader: boolean;
      time: string;
      /** The `@` words to highlight: they mean the reader. */
      mentionTokens: string[];
      /** The message mentions the reader. */
      mentionsMe: boolean;
    };

/** Before any server welcomed this connection nothing was loaded: neither "more" nor "the beginning" is known. */
function historyState(view: Pick<PanelView, 'connection' | 'hasMore' | 'loadingOlder'>): Extract<Row, { kind: 'history' }>['state'] {
  if (!view.connection.reached) return 'unloaded';
  return view.loadingOlder ? 'loading' : view.hasMore ? 'more' : 'start';
}

/** `labels` names days and times as of now: a row whose label changes is drawn again. */
export function buildRows(
  view: Pick<PanelView, 'connection' | 'entries' | 'hasMore' | 'loadingOlder' | 'unreadFromKey' | 'self'>,
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
      rows.push({ kind: 'presence', key: entry.key, text: presenceText(entry), ts: entry.ts, time: labels.time(entry.ts) });
      previousMessage = undefined;
      continue;
    }
    const continues =
      previousMessage !== undefined &&
      nameKey(previousMessage.from) === nameKey(entry.from) &&
      entry.ts - previousMessage.ts < GROUP_GAP_MS;
    const tokens = mentionTokens(entry, view.self);
    // Named by the server, or (from a server that does not say) written in the text.
    const mentionsMe = entry.mentions !== undefined ? tokens.length > 0 : splitMentions(entry.text, tokens).some((part) => part.mention);
    rows.push({
      kind: 'message',
      key: entry.key,
      entry,
      showHeader: !continues,
      time: labels.time(entry.ts),
      mentionTokens: mentionsMe ? tokens : [],
      mentionsMe,
    });
    previousMessage = entry;
  }
  return rows;
}

/**
 * How many messages from others came after the one with key `seenKey` (the newest the reader
 * had at the bottom of the list): what the "new messages" pill counts. 0 when that message is
 * no longer held (history was reloaded after a gap).
 */
export function countNewSince(entries: readonly TimelineEntry[], seenKey: string | undefined): number {
  const seenAt = seenKey === undefined ? -1 : entries.findIndex((entry) => entry.key === seenKey);
  if (seenAt === -1) return 0;
  return entries.slice(seenAt + 1).filter((entry) => entry.kind === 'message' && !entry.mine).length;
}

/** The key of the newest stored message (own ones still sending come after every stored one). */
export function newestStoredKey(entries: readonly TimelineEntry[]): string | undefined {
  for (let index = entries.length - 1; index >= 0; index--) {
    const entry = entries[index]!;
    if (entry.kind === 'message' && entry.seq !== undefined) return entry.key;
  }
  return undefined;
}
