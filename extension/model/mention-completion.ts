/**
 * Completing `@names` in the composer: the `@word` being typed just before the caret, the names
 * it may become (as names compare: a prefix match first, then one anywhere in the name), and the
 * text once one is picked. Pure, so the webview's picker is tested in plain Node.
 */
import { nameKey } from '../../protocol/limits';

/** How many suggestions the picker shows at most. */
export const MAX_SUGGESTIONS = 8;

export interface MentionQuery {
  /** Where the `@` is. */
  start: number;
  /** What follows it, up to the caret. */
  prefix: string;
}

/** A name is made of these; an `@` right after one of them is part of a word (an e-mail address), not a mention. */
const NAME_CHARS = /^[A-Za-z0-9_.-]*$/;
const WORD_BEFORE = /[A-Za-z0-9_.-]/;

export function mentionQuery(text: string, caret: number): MentionQuery | undefined {
  const start = text.lastIndexOf('@', caret - 1);
  if (start < 0) return undefined;
  const prefix = text.slice(start + 1, caret);
  if (!NAME_CHARS.test(prefix)) return undefined;
  const before = text[start - 1];
  if (before !== undefined && WORD_BEFORE.test(before)) return undefined;
  return { start, prefix };
}

/** The words that mention many at once; no account can have them as a name's mention. */
const BROADCASTS = new Set(['here', 'channel']);

/** The candidates (names, or `here` / `channel`) the prefix may become, best first. */
export function completeMentions(prefix: string, candidates: readonly string[], max = MAX_SUGGESTIONS): string[] {
  const wanted = nameKey(prefix);
  const seen = new Set<string>();
  const starts: string[] = [];
  const contains: string[] = [];
  for (const candidate of candidates) {
    const key = nameKey(candidate);
    if (seen.has(key)) continue;
    seen.add(key);
    if (key.startsWith(wanted)) starts.push(candidate);
    else if (wanted !== '' && key.includes(wanted)) contains.push(candidate);
  }
  // People first: `@here` and `@channel` ping many, so they are never what a prefix picks by accident.
  const byName = (a: string, b: string): number =>
    Number(BROADCASTS.has(a)) - Number(BROADCASTS.has(b)) || nameKey(a).localeCompare(nameKey(b));
  return [...starts.sort(byName), ...contains.sort(byName)].slice(0, max);
}

/** The text with the query replaced by `@name ` and where the caret goes (after the space). */
export function applyMention(text: string, query: MentionQuery, caret: number, name: string): { text: string; caret: number } {
  const inserted = `@${name} `;
  const rest = text.slice(caret).replace(/^ /, '');
  return { text: text.slice(0, query.start) + inserted + rest, caret: query.start + inserted.length };
}
