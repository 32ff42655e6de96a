/**
 * A code block as HTML: the highlighted code (numbered from its first line when it is a
 * snippet of a file), a Copy button, and for long code a collapse to its first lines with
 * "Show all N lines" / "Show less". Pure (a string, no DOM) so it is tested in plain Node;
 * code-block-controls.ts makes the buttons work. Every piece of input is escaped here or by
 * highlight.js.
 */
import { chatMarkdown } from '../extension/model/chat-markdown';
import { highlightCode, highlightLanguage } from './highlight';

/** Longer code starts collapsed… */
export const COLLAPSE_ABOVE_LINES = 15;
/** …to this many lines (chat.css clips `.collapsed` to the same number). */
export const COLLAPSED_LINES = 10;

export interface CodeBlock {
  /** Names the block for its collapse state, stable while its message is drawn again. */
  id: string;
  code: string;
  /** A VS Code language id or a fence's info word. */
  language?: string;
  /** The first line's number in its file: the lines are numbered then. */
  firstLine?: number;
}

const escape = chatMarkdown.utils.escapeHtml;

export function lineCount(code: string): number {
  return code.split('\n').length;
}

/** The block's HTML; `expanded` says whether the reader opened a long block. */
export function codeBlockHtml(block: CodeBlock, expanded: boolean): string {
  const lines = lineCount(block.code);
  const collapsible = lines > COLLAPSE_ABOVE_LINES;
  const language = highlightLanguage(block.language);
  const classes = ['code-block', collapsible && !expanded ? 'collapsed' : ''].filter(Boolean).join(' ');
  const numbers =
    block.firstLine === undefined
      ? ''
      : `<pre class="line-numbers" aria-hidden="true">${Array.from({ length: lines }, (_, i) => block.firstLine! + i).join('\n')}</pre>`;
  const codeClass = language ? `hljs language-${escape(language)}` : 'hljs';
  const toggle = collapsible
    ? `<button type="button" class="link-button code-toggle" data-code-toggle aria-expanded="${expanded}">${toggleLabel(lines, expanded)}</button>`
    : '';
  return (
    `<div class="${classes}" data-code-block="${escape(block.id)}">` +
    `<button type="button" class="code-copy" data-code-copy title="Copy the code">Copy</button>` +
    `<div class="code-scroll">${numbers}<pre class="code"><code class="${codeClass}">${highlightCode(block.code, block.language)}</code></pre></div>` +
    toggle +
    `</div>`
  );
}

export function toggleLabel(lines: number, expanded: boolean): string {
  return expanded ? 'Show less' : `Show all ${lines} lines`;
}
