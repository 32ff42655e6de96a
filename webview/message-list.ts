/**
 * The message list: draws the rows, reusing the element of every row that did not change
 * (so a new message does not redraw the page), keeps the reader's place, asks for older
 * messages when scrolled to the top, and while the reader is scrolled up counts what arrives
 * below in a "↓ N new messages" pill. A list to assistive technology: ↑/↓ move between
 * messages, Home/End to the first and the newest.
 */
import { isOpenableLink, type PanelView } from '../extension/webview-protocol';
import { attachmentsHtml, isAttachmentAction, type AttachmentAction } from './attachment-card';
import { CodeBlockControls } from './code-block-controls';
import { renderMarkdown } from './markdown';
import { splitMentions } from './mentions';
import { buildRows, countNewSince, newestStoredKey, type Row } from './rows';
import { msUntilTomorrow, timeLabels } from './time-labels';

/** How close to an edge still counts as "at" it. */
const EDGE_PX = 48;

export interface MessageListActions {
  loadOlder(): void;
  retry(id: string): void;
  openLink(url: string): void;
  /** A sender's name was clicked. */
  openDirect(name: string): void;
  /** A button of attachment `index` of message `key` was clicked. */
  openAttachment(key: string, index: number, action: AttachmentAction): void;
  /** A code link (one of the entry's `codeLinks`) in message `key` was clicked. */
  openCodeLink(key: string, link: string): void;
}

interface RenderedRow {
  signature: string;
  element: HTMLElement;
}

export class MessageList {
  private readonly rendered = new Map<string, RenderedRow>();
  private view: PanelView | undefined;
  private rows: Row[] = [];
  private hasScrolledOnce = false;
  /** The newest message the reader had in view at the bottom: the pill counts what came after it. */
  private seenKey: string | undefined;
  /** Entry count when older messages were last asked for by a render (not a scroll). */
  private entriesAtLastAutoLoad = -1;
  /** At midnight "today" moves: the rows are labelled again then. */
  private tomorrowTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly codeBlocks = new CodeBlockControls();

  constructor(
    private readonly container: HTMLElement,
    private readonly pill: HTMLButtonElement,
    private readonly actions: MessageListActions,
  ) {
    container.addEventListener('click', (event) => this.onClick(event));
    container.addEventListener('keydown', (event) => this.onKeydown(event));
    container.addEventListener(
      'scroll',
      () => {
        this.loadOlderIfAtTop();
        this.updatePill();
      },
      { passive: true },
    );
    pill.addEventListener('click', () => this.scrollToBottom());
  }

  render(view: PanelView): void {
    const wasAtBottom = this.isAtBottom();
    const distanceFromBottom = this.container.scrollHeight - this.container.scrollTop;
    const previousFirst = this.firstMessageKey();
    this.view = view;
    const now = Date.now();
    this.rows = buildRows(view, timeLabels(now));
    this.reconcile();
    clearTimeout(this.tomorrowTimer);
    this.tomorrowTimer = setTimeout(() => this.view && this.render(this.view), msUntilTomorrow(now));

    if (!this.hasScrolledOnce && view.entries.length > 0) {
      this.hasScrolledOnce = true;
      // What is there when the panel opens is not news; the unread divider marks what is.
      this.seenKey = newestStoredKey(view.entries);
      const divider = this.rendered.get('unread')?.element;
      if (divider) divider.scrollIntoView({ block: 'center' });
      else this.scrollToBottom();
    } else if (wasAtBottom) {
      this.scrollToBottom();
    } else if (previousFirst !== undefined && this.firstMessageKey() !== previousFirst) {
      // Older messages came in above: keep what the reader was looking at in place.
      this.container.scrollTop = this.container.scrollHeight - distanceFromBottom;
    }

    // A short page may not fill the panel; keep filling, but never retry a load that brought nothing.
    if (view.entries.length !== this.entriesAtLastAutoLoad && this.loadOlderIfAtTop()) {
      this.entriesAtLastAutoLoad = view.entries.length;
    }
    this.updatePill();
  }

  scrollToBottom(): void {
    this.container.scrollTop = this.container.scrollHeight;
    this.updatePill();
  }

  /** Moves focus to the newest message (a keyboard shortcut). */
  focusNewest(): void {
    const messages = this.messageElements();
    const newest = messages[messages.length - 1];
    if (newest) this.focusMessage(newest);
    else this.container.focus();
  }

  /** At the bottom everything is seen; above it, the pill counts what came since. */
  private updatePill(): void {
    const entries = this.view?.entries ?? [];
    if (this.isAtBottom()) this.seenKey = newestStoredKey(entries) ?? this.seenKey;
    const count = countNewSince(entries, this.seenKey);
    this.pill.hidden = count === 0;
    const text = `↓ ${count} new message${count === 1 ? '' : 's'}`;
    if (this.pill.textContent !== text) this.pill.textContent = text;
  }

  private messageElements(): HTMLElement[] {
    return [...this.container.querySelectorAll<HTMLElement>(':scope > .message')];
  }

  private focusMessage(element: HTMLElement): void {
    element.focus({ preventScroll: true });
    element.scrollIntoView({ block: 'nearest' });
  }

  private onKeydown(event: KeyboardEvent): void {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const messages = this.messageElements();
    if (messages.length === 0) return;
    const current = event.target instanceof HTMLElement ? event.target.closest<HTMLElement>('.message') : null;
    const index = current ? messages.indexOf(current) : -1;
    let next: HTMLElement | undefined;
    switch (event.key) {
      case 'ArrowDown':
        next = index === -1 ? messages[0] : messages[index + 1];
        break;
      case 'ArrowUp':
        next = index === -1 ? messages[messages.length - 1] : messages[index - 1];
        break;
      case 'Home':
        next = messages[0];
        break;
      case 'End':
        next = messages[messages.length - 1];
        break;
      default:
        return;
    }
    // At either end the key stays with the list: it scrolls, so the pill and older pages still come.
    if (!next) return;
    event.preventDefault();
    this.focusMessage(next);
  }

  private isAtBottom(): boolean {
    const { scrollHeight, scrollTop, clientHeight } = this.container;
    return scrollHeight - scrollTop - clientHeight < EDGE_PX;
  }

  private loadOlderIfAtTop(): boolean {
    const view = this.view;
    if (!view || !view.hasMore || view.loadingOlder || view.connection.state !== 'online') return false;
    if (this.container.scrollTop > EDGE_PX) return false;
    this.actions.loadOlder();
    return true;
  }

  private firstMessageKey(): string | undefined {
    return this.rows.find((row) => row.kind === 'message')?.key;
  }

  private onClick(event: MouseEvent): void {
    const target = event.target;
    if (!(target instanceof Element)) return;
    const key = target.closest<HTMLElement>('.message')?.dataset.key;
    const link = target.closest('a');
    if (link) {
      // Never navigate the webview itself; the extension opens allowed links outside.
      event.preventDefault();
      const href = link.getAttribute('href') ?? '';
      if (link.dataset.codeLink !== undefined) {
        if (key !== undefined) this.actions.openCodeLink(key, link.dataset.codeLink);
      } else if (isOpenableLink(href)) this.actions.openLink(href);
      return;
    }
    const button = target.closest('button');
    if (button && this.codeBlocks.handleClick(button)) return;
    const action = button?.dataset.attachmentAction;
    if (button && key !== undefined && isAttachmentAction(action)) {
      this.actions.openAttachment(key, Number(button.dataset.attachmentIndex), action);
    } else if (button?.dataset.retry) this.actions.retry(button.dataset.retry);
    else if (button?.dataset.loadOlder !== undefined) this.actions.loadOlder();
    else if (button?.dataset.sender) this.actions.openDirect(button.dataset.sender);
  }

  /** Puts the rows' elements in order, creating only those that are new or changed. */
  private reconcile(): void {
    const keep = new Set<string>();
    let cursor: ChildNode | null = this.container.firstChild;
    for (const row of this.rows) {
      keep.add(row.key);
      const signature = JSON.stringify(row);
      let rendered = this.rendered.get(row.key);
      if (rendered && rendered.signature !== signature) {
        if (rendered.element === cursor) cursor = cursor.nextSibling;
        rendered.element.remove();
        rendered = undefined;
      }
      if (!rendered) {
        rendered = { signature, element: createRow(row, this.codeBlocks.isExpanded) };
        this.rendered.set(row.key, rendered);
      }
      if (rendered.element === cursor) cursor = cursor.nextSibling;
      else this.container.insertBefore(rendered.element, cursor);
    }
    for (const [key, { element }] of this.rendered) {
      if (keep.has(key)) continue;
      element.remove();
      this.rendered.delete(key);
    }
  }
}

/** Every row is an item of the list (role=list on #messages). */
function createRow(row: Row, isExpanded: (blockId: string) => boolean): HTMLElement {
  const element = rowElement(row, isExpanded);
  element.setAttribute('role', 'listitem');
  return element;
}

function rowElement(row: Row, isExpanded: (blockId: string) => boolean): HTMLElement {
  switch (row.kind) {
    case 'history':
      return historyRow(row.state);
    case 'day':
      return divider('day', row.label);
    case 'unread':
      return divider('unread', 'New messages');
    case 'presence': {
      const element = el('div', 'presence', `${row.text} · `);
      element.append(timeElement(row.ts, row.time));
      return element;
    }
    case 'message':
      return messageRow(row, isExpanded);
  }
}

const HISTORY_TEXT = {
  loading: 'Loading older messages…',
  start: 'This is the beginning of the conversation.',
  unloaded: 'No messages loaded: they show once the server is reached.',
} as const;

function historyRow(state: Extract<Row, { kind: 'history' }>['state']): HTMLElement {
  const element = el('div', 'history');
  if (state === 'more') {
    const button = el('button', 'link-button', 'Load older messages');
    button.type = 'button';
    button.dataset.loadOlder = '';
    element.append(button);
  } else {
    element.append(HISTORY_TEXT[state]);
  }
  return element;
}

function divider(kind: string, label: string): HTMLElement {
  const element = el('div', `divider ${kind}`);
  element.append(el('span', 'divider-label', label));
  return element;
}

function messageRow(row: Extract<Row, { kind: 'message' }>, isExpanded: (blockId: string) => boolean): HTMLElement {
  const { entry, showHeader, time } = row;
  const classes = ['message', entry.mine ? 'mine' : '', showHeader ? 'first' : 'continued', `status-${entry.status}`];
  if (row.mentionsMe) classes.push('mentions-me');
  const element = el('article', classes.filter(Boolean).join(' '));
  // Reached with ↑/↓ (see onKeydown), not with Tab: Tab goes on to the message box.
  element.tabIndex = -1;
  element.dataset.key = entry.key;
  if (showHeader) {
    const meta = el('div', 'meta');
    meta.append(senderElement(entry), timeElement(entry.ts, time));
    element.append(meta);
  } else {
    // The sender is shown once per group; screen readers still hear it on every message.
    element.append(el('span', 'visually-hidden', `${entry.from}: `));
  }
  const body = el('div', 'body');
  body.title = new Date(entry.ts).toLocaleString();
  // markdown-it runs with html:false and checked links, and code is escaped by highlight.js,
  // so this HTML holds no raw user markup.
  body.innerHTML = renderMarkdown(entry.text, { key: entry.key, isExpanded, ...(entry.codeLinks ? { codeLinks: entry.codeLinks } : {}) });
  highlightMentions(body, row.mentionTokens);
  element.append(body);
  if (entry.attachments && entry.attachments.length > 0) {
    // Escaped like the text (attachment-card.ts), and schema-checked when the view arrived.
    const cards = el('div', 'attachments');
    cards.innerHTML = attachmentsHtml(entry.key, entry.attachments, isExpanded);
    element.append(cards);
  }
  const state = statusLine(entry);
  if (state) element.append(state);
  return element;
}

function statusLine(entry: Extract<Row, { kind: 'message' }>['entry']): HTMLElement | undefined {
  switch (entry.status) {
    case 'queued':
      return el('div', 'state', 'Waiting for the connection…');
    case 'sending':
      return el('div', 'state', 'Sending…');
    case 'failed': {
      const line = el('div', 'state failed', `Not sent${entry.error ? `: ${entry.error}` : ''} `);
      const retry = el('button', 'link-button', 'Retry');
      retry.type = 'button';
      retry.dataset.retry = entry.id;
      line.append(retry);
      return line;
    }
    default:
      return undefined;
  }
}

/** Someone else's name opens the direct conversation with them; one's own is just a name. */
function senderElement(entry: Extract<Row, { kind: 'message' }>['entry']): HTMLElement {
  if (entry.mine) return el('span', 'from', entry.from);
  const button = el('button', 'from', entry.from);
  button.type = 'button';
  button.dataset.sender = entry.from;
  button.title = `Message ${entry.from} directly`;
  return button;
}

/** Wraps the mentions in the rendered text in <mark>, as text nodes: nothing is parsed as HTML. Code and links stay as they are. */
function highlightMentions(body: HTMLElement, tokens: readonly string[]): void {
  if (tokens.length === 0) return;
  const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
  const texts: Text[] = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node instanceof Text && !node.parentElement?.closest('code, pre, a')) texts.push(node);
  }
  for (const text of texts) {
    const parts = splitMentions(text.data, tokens);
    if (!parts.some((part) => part.mention)) continue;
    text.replaceWith(...parts.map((part) => (part.mention ? el('mark', 'mention', part.text) : document.createTextNode(part.text))));
  }
}

function timeElement(ts: number, label: string): HTMLTimeElement {
  const time = el('time', 'time', label);
  time.dateTime = new Date(ts).toISOString();
  return time;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}
