/**
 * A message as one line of plain text, for places that cannot render markdown (notifications):
 * what the chat would show, without its markup, whitespace collapsed, cut to a length.
 */
import type { Token } from 'markdown-it';
import { chatMarkdown } from './chat-markdown';

export function plainTextPreview(markdown: string, maxCodePoints: number): string {
  const flat = textOf(chatMarkdown.parse(markdown, {}))
    .replace(/\s+/g, ' ')
    // A notification turns "[text](command:…)" into a link; text someone sent must not become one.
    .replace(/\]\(/g, '] (')
    .trim();
  // By code points, so an emoji is never cut in half.
  const characters = Array.from(flat);
  return characters.length > maxCodePoints ? `${characters.slice(0, maxCodePoints - 1).join('')}…` : flat;
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
          // Paragraphs, list items and quotes open and close; line breaks; emphasis marks are nothing.
          return token.block || token.type.endsWith('break') ? ' ' : '';
      }
    })
    .join('');
}
