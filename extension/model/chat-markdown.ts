/**
 * The markdown of chat messages, configured once so that the webview (rendering it) and the
 * notifications (reducing it to its text) read a message the same way: a subset (emphasis,
 * code, code blocks, lists, quotes, links) with raw HTML switched off, so rendered output holds
 * only tags markdown-it itself writes. Links survive only for http, https and mailto.
 */
import MarkdownIt from 'markdown-it';
import { isOpenableLink } from '../webview-protocol';

export const chatMarkdown = new MarkdownIt('default', { html: false, linkify: true, breaks: true, typographer: false });
// Chat messages are short: headings, rules and tables only get in the way, and images could
// not load under the panel's Content-Security-Policy anyway.
chatMarkdown.disable(['heading', 'lheading', 'hr', 'table', 'image']);
chatMarkdown.validateLink = isOpenableLink;
