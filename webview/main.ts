/**
 * The chat panel's page. The extension sends the whole view whenever it changes; this page
 * validates it, draws it, and sends back what the user does. The draft and the conversation
 * are saved with setState so the panel comes back as it was after a reload.
 */
import * as z from 'zod';
import { conversationLabel } from '../extension/model/address';
import { toWebview, type PanelView } from '../extension/webview-protocol';
import { validateMessageText } from '../extension/model/validation';
import { ChannelHeader } from './channel-header';
import { Composer } from './composer';
import { MentionPicker } from './mention-picker';
import { connectHost } from './host';
import { ConnectionBanner, NoticeLine, typingText } from './indicators';
import { MessageList } from './message-list';
import { StagedStrip } from './staged-strip';

function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`the page is missing #${id}`);
  return element;
}

// zod would probe for eval (new Function) on its first parse; the page's CSP forbids it, and says so in a report.
z.config({ jitless: true });

const host = connectHost();
let view: PanelView | undefined;
const saved = host.savedState();

const notice = new NoticeLine(byId('notice', HTMLDivElement));
const banner = new ConnectionBanner(byId('connection', HTMLDivElement), () => host.post({ type: 'connect' }));
const typingLine = byId('typing', HTMLDivElement);
const list = new MessageList(byId('messages', HTMLDivElement), byId('new-messages', HTMLButtonElement), {
  loadOlder: () => host.post({ type: 'loadOlder' }),
  retry: (id) => host.post({ type: 'retry', id }),
  openLink: (url) => host.post({ type: 'openLink', url }),
  openDirect: (name) => host.post({ type: 'openDirect', with: name }),
  openAttachment: (key, index, action) => host.post({ type: 'openAttachment', key, index, action }),
  openCodeLink: (key, link) => host.post({ type: 'openCodeLink', key, link }),
});
const header = new ChannelHeader(byId('channel-header', HTMLElement), byId('channel-topic', HTMLDivElement), byId('channel-members', HTMLDivElement));
const staged = new StagedStrip(byId('staged', HTMLDivElement), (index) => host.post({ type: 'unstage', index }));
// Before the composer: its keys go first while it is open (see mention-picker.ts).
const mentions = new MentionPicker(byId('composer-input', HTMLTextAreaElement), byId('mention-list', HTMLUListElement), () =>
  byId('composer-input', HTMLTextAreaElement).dispatchEvent(new Event('input')),
);
const composer = new Composer(
  {
    form: byId('composer', HTMLFormElement),
    input: byId('composer-input', HTMLTextAreaElement),
    label: byId('composer-label', HTMLLabelElement),
    sendButton: byId('composer-send', HTMLButtonElement),
    counter: byId('composer-count', HTMLSpanElement),
  },
  {
    send(text) {
      // With attachments waiting, the text is their note, and may be left empty.
      const problem = staged.count > 0 && text.trim() === '' ? undefined : validateMessageText(text);
      if (problem) {
        notice.show(problem);
        return false;
      }
      const state = view?.connection.state ?? 'disconnected';
      if (state === 'disconnected' || state === 'closed') {
        notice.show('Not connected: click Connect above, or run Chat: Connect.');
        return false;
      }
      host.post({ type: 'send', text });
      list.scrollToBottom();
      return true;
    },
    typing: () => host.post({ type: 'typing' }),
    draftChanged: saveState,
  },
);

function saveState(draft: string): void {
  const conversation = view?.conversation ?? saved?.conversation;
  if (conversation) host.saveState({ conversation, draft });
}

function show(next: PanelView): void {
  view = next;
  document.title = next.title;
  const { conversation } = next;
  composer.setRecipient(conversation.kind === 'channel' ? conversationLabel(conversation) : conversation.with);
  banner.render(next.connection);
  header.render(next.channel);
  mentions.setCandidates(conversation.kind === 'channel' ? [...next.mentionable, 'here', 'channel'] : next.mentionable);
  typingLine.textContent = typingText(next.typing);
  list.render(next);
  staged.render(next.staged ?? []);
  saveState(composer.draft);
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const parsed = toWebview.safeParse(event.data);
  if (!parsed.success) {
    console.warn('Relay Chat: ignored an invalid message from the extension', parsed.error.message);
    return;
  }
  const message = parsed.data;
  if (message.type === 'view') show(message.view);
  else notice.show(message.text);
});

// The panel's keyboard shortcuts (listed in #keyboard-help and the README): Escape goes to the
// message box from anywhere else, Alt+End to the newest message from anywhere.
document.addEventListener('keydown', (event) => {
  const plain = !event.altKey && !event.ctrlKey && !event.metaKey && !event.shiftKey;
  if (event.key === 'Escape' && plain && !composer.hasFocus()) {
    event.preventDefault();
    composer.focus();
  } else if (event.key === 'End' && event.altKey && !event.ctrlKey && !event.metaKey && !event.shiftKey) {
    event.preventDefault();
    list.scrollToBottom();
    list.focusNewest();
  }
});

// Opening a chat should let one type at once, but a panel revealed without focus must not take it.
window.addEventListener('focus', () => {
  if (document.activeElement === document.body) composer.focus();
});

composer.setDraft(saved?.draft ?? '');
// A panel opened with focus may have had it before this script ran: no focus event comes then.
if (document.hasFocus() && document.activeElement === document.body) composer.focus();
host.post({ type: 'ready' });
