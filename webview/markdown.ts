/**
 * Message text to HTML: a markdown subset (emphasis, code, code blocks, lists, quotes, links)
 * with raw HTML switched off, so the output holds only tags markdown-it itself writes.
 * Links survive only for http, https and mailto; anything else stays plain text.
 */
import MarkdownIt from 'markdown-it';
import { isOpenableLink } from '../extension/webview-protocol';

const markdown = new MarkdownIt('default', { html: false, linkify: true, breaks: true, typographer: false });
// Chat messages are short: headings, rules and tables only get in the way, and images could
// not load under the panel's Content-Security-Policy anyway.
markdown.disable(['heading', 'lheading', 'hr', 'table', 'image']);
markdown.validateLink = isOpenableLink;

export function renderMarkdown(text: string): string {
  return markdown.render(text);
}
