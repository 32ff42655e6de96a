/**
 * A message as one line of plain text, for places that cannot render markdown (notifications):
 * what the chat would show, without its markup, on one line of bounded length.
 */
import type { Token } from 'markdown-it';
import { chatMarkdown } from './chat-markdown';
import { oneLine } from './one-line';

export function plainTextPreview(markdown: string, maxCodePoints: number): string {
  return oneLine(textOf(chatMarkdown.parse(markdown, {})), maxCodePoints);
}

/** The text a reader sees; every block and line break becomes a space. */
function textOf(tokens: readonly Token[]): string {
  return tokens
    .map((token) => {
      if (token.children) return textOf(token.children);
      switch (token.type) {
        case 'text':
        case 'code_inline':
          return token.content;
        case 'fence':
        case 'code_block':
          return ` ${token.content} `;
        default:
          // Paragraphs, list items, quotes and line breaks separate words; emphasis marks vanish.
          return token.block || token.type.endsWith('break') ? ' ' : '';
      }
    })
    .join('');
}
