/**
 * The message list: draws the rows, reusing the element of every row that did not change
 * (so a new message does not redraw the page), keeps the reader's place, and asks for older
 * messages when scrolled to the top.
 */
import { isOpenableLink, type PanelView } from '../extension/webview-protocol';
import { renderMarkdown } from './markdown';
import { buildRows, type Row } from './rows';
import { msUntilTomorrow, timeLabels } from './time-labels';

/** How close to an edge still counts as "at" it. */
const EDGE_PX = 48;

export interface MessageListActions {
  loadOlder(): void;
  retry(id: string): void;
  openLink(url: string): void;
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
  /** Entry count when older messages were last asked for by a render (not a scroll). */
  private entriesAtLastAutoLoad = -1;
  /** At midnight "today" moves: the rows are labelled again then. */
  private tomorrowTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly container: HTMLElement,
    private readonly actions: MessageListActions,
  ) {
    container.addEventListener('click', (event) => this.onClick(event));
    container.addEventListener('scroll', () => this.loadOlderIfAtTop(), { passive: true });
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
  }

  scrollToBottom(): void {
    this.container.scrollTop = this.container.scrollHeight;
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
    const link = target.closest('a');
    if (link) {
      // Never navigate the webview itself; the extension opens allowed links outside.
      event.preventDefault();
      const href = link.getAttribute('href') ?? '';
      if (isOpenableLink(href)) this.actions.openLink(href);
      return;
    }
    const button = target.closest('button');
    if (button?.dataset.retry) this.actions.retry(button.dataset.retry);
    else if (button?.dataset.loadOlder !== undefined) this.actions.loadOlder();
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
        rendered = { signature, element: createRow(row) };
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

function createRow(row: Row): HTMLElement {
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
      return messageRow(row);
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
  element.setAttribute('role', 'separator');
  element.append(el('span', 'divider-label', label));
  return element;
}

function messageRow({ entry, showHeader, time }: Extract<Row, { kind: 'message' }>): HTMLElement {
  const classes = ['message', entry.mine ? 'mine' : '', showHeader ? 'first' : 'continued', `status-${entry.status}`];
  const element = el('article', classes.filter(Boolean).join(' '));
  if (showHeader) {
    const meta = el('div', 'meta');
    meta.append(el('span', 'from', entry.from), timeElement(entry.ts, time));
    element.append(meta);
  } else {
    // The sender is shown once per group; screen readers still hear it on every message.
    element.append(el('span', 'visually-hidden', `${entry.from}: `));
  }
  const body = el('div', 'body');
  body.title = new Date(entry.ts).toLocaleString();
  // markdown-it runs with html:false and checked links, so this HTML holds no raw user markup.
  body.innerHTML = renderMarkdown(entry.text);
  element.append(body);
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
