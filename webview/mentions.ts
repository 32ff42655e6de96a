/**
 * Mentions of the reader in a message: which `@` words to highlight and whether the message is
 * for them. A server that parses mentions sends the list (names, '@here', '@channel'); from
 * one that does not, `@yourname` in the text counts. Pure, so it is tested in plain Node.
 */
import { nameKey } from '../protocol/limits';
import type { MessageEntry } from '../extension/webview-protocol';

/** Everyone is mentioned by these; a name is mentioned by `@name`. */
const EVERYONE = new Set(['@here', '@channel']);

/** The `@` words in this message that mean the reader; none in one's own messages. */
export function mentionTokens(entry: Pick<MessageEntry, 'mentions' | 'mine'>, self: string | undefined): string[] {
  if (self === undefined || entry.mine) return [];
  if (entry.mentions === undefined) return [`@${self}`];
  return entry.mentions.flatMap((mention) => {
    if (EVERYONE.has(mention)) return [mention];
    const name = mention.startsWith('@') ? mention.slice(1) : mention;
    return nameKey(name) === nameKey(self) ? [`@${name}`] : [];
  });
}

export interface TextPart {
  text: string;
  mention: boolean;
}

/** A name goes on while these follow; a `.` or `-` only counts when a name character comes after it. */
const NAME_CHAR = /[A-Za-z0-9_]/;

/** Splits text at the tokens (compared as names compare), each only as a whole word. */
export function splitMentions(text: string, tokens: readonly string[]): TextPart[] {
  if (tokens.length === 0 || !text.includes('@')) return [{ text, mention: false }];
  const folded = tokens.map((token) => nameKey(token));
  const parts: TextPart[] = [];
  let plainStart = 0;
  let index = text.indexOf('@');
  while (index !== -1) {
    const before = text[index - 1];
    const length = before !== undefined && /[A-Za-z0-9_.-]/.test(before) ? 0 : matchAt(text, index, folded);
    if (length > 0) {
      if (index > plainStart) parts.push({ text: text.slice(plainStart, index), mention: false });
      parts.push({ text: text.slice(index, index + length), mention: true });
      plainStart = index + length;
    }
    index = text.indexOf('@', Math.max(index + 1, plainStart));
  }
  if (plainStart < text.length) parts.push({ text: text.slice(plainStart), mention: false });
  return parts;
}

function matchAt(text: string, index: number, folded: readonly string[]): number {
  for (const token of folded) {
    const candidate = text.slice(index, index + token.length);
    if (nameKey(candidate) !== token) continue;
    const next = text[index + token.length];
    const after = text[index + token.length + 1];
    const continues = next !== undefined && (NAME_CHAR.test(next) || (/[.-]/.test(next) && after !== undefined && NAME_CHAR.test(after)));
    if (!continues) return token.length;
  }
  return 0;
}
