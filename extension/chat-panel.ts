/**
 * One chat panel (of any conversation: #general, a direct one): keeps its webview in step with
 * the model, and carries out what the webview asks for after validating it.
 */
import * as vscode from 'vscode';
import type { ConnectionManager } from './connection-manager';
import type { ChatModel } from './model/chat-model';
import { conversationKey, conversationTitle, sameName, type Conversation } from './model/address';
import { StagedAttachments } from './model/staged-attachments';
import { validateMessageText } from './model/validation';
import type { Attachment } from '../protocol/attachments';
import { chatHtml, webviewRoots } from './webview-html';
import type { FromWebview, PanelView, ToWebview } from './webview-protocol';

/** The one panel type, whatever the conversation: the conversation is in the panel's state. */
export const CONVERSATION_VIEW_TYPE = 'relayChat.conversation';
/**
 * Before channels there was one panel type per kind of conversation. Panels of those types
 * that VS Code brings back after an update are restored as they are (see chat-panel-serializer.ts).
 */
export const LEGACY_GROUP_VIEW_TYPE = 'relayChat.group';
export const LEGACY_PRIVATE_VIEW_TYPE = 'relayChat.private';

/**
 * The tab icon. VS Code recolours the activity-bar icon (media/chat.svg) to the theme, but
 * draws a tab's as it is, so a tab needs a variant for light and one for dark themes.
 */
function tabIcon(extensionUri: vscode.Uri): { light: vscode.Uri; dark: vscode.Uri } {
  const variant = (theme: string): vscode.Uri => vscode.Uri.joinPath(extensionUri, 'media', `chat-${theme}.svg`);
  return { light: variant('light'), dark: variant('dark') };
}

export class ChatPanel implements vscode.Disposable {
  readonly key: string;
  private address: Conversation;
  private model: ChatModel | undefined;
  /** Where the "new messages" divider goes: the first message that was unread when shown. */
  private unreadFromKey: string | undefined;
  private webviewReady = false;
  /** Whether the model has been told this conversation is on screen. */
  private shown = false;
  private renderQueued = false;
  /** One automatic first history load per connection; scrolling up asks for more. */
  private initialLoadTried = false;
  private lastView: PanelView | undefined;
  /** (channels) The members, as the server last listed them; asked once per connection and on each join or leave. */
  private members: string[] | undefined;
  private membersRequested = false;
  /** (code anchors) What Share Selection / Share Changes put in the message box; kept while the webview is hidden. */
  private readonly staged = new StagedAttachments();
  private isDisposed = false;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly disposed = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposed.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    address: Conversation,
    extensionUri: vscode.Uri,
    connection: ConnectionManager,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.address = address;
    this.key = conversationKey(address);
    // Set here, for new and restored panels alike.
    panel.iconPath = tabIcon(extensionUri);
    panel.webview.options = { enableScripts: true, localResourceRoots: webviewRoots(extensionUri) };
    panel.webview.html = chatHtml(panel.webview, extensionUri, conversationTitle(address, connection.model?.self));
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeViewState(() => this.onVisibilityChanged()),
      panel.webview.onDidReceiveMessage((message: unknown) => void this.onWebviewMessage(message)),
      connection.watchModel((model) => this.bind(model)),
    );
  }

  get conversation(): Conversation {
    return this.address;
  }

  /** The last view sent to the webview: what the panel shows (or showed, while hidden). */
  get view(): PanelView | undefined {
    return this.lastView;
  }

  reveal(preserveFocus = false): void {
    this.panel.reveal(undefined, preserveFocus);
  }

  /**
   * Puts an attachment in the message box, to go with the next message; returns why it cannot
   * instead (too many, or too large a message together with the others).
   */
  async stage(attachment: Attachment): Promise<string | undefined> {
    // Loaded on first use: it needs the schemas (see extension.ts).
    const { messageProblem } = await import('./model/send-limits');
    const problem = this.staged.add(attachment, (all) => messageProblem(this.address, '', all));
    if (!problem) this.queueRender();
    return problem;
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    this.model?.hide(this.address);
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
    this.panel.dispose();
    this.disposed.fire();
    this.disposed.dispose();
  }

  private bind(model: ChatModel | undefined): vscode.Disposable[] {
    this.model?.hide(this.address);
    this.model = model;
    this.initialLoadTried = false;
    this.unreadFromKey = undefined;
    this.members = undefined;
    this.membersRequested = false;
    this.shown = false;
    this.onVisibilityChanged();
    this.queueRender();
    if (!model) return [];
    return [
      model.onDidChangeConversation((key) => key === this.key && this.queueRender()),
      model.onDidChangeConnection(({ state }) => {
        // Try the first history load again after a reconnect if it has not happened yet.
        if (state !== 'online') {
          this.initialLoadTried = false;
          this.membersRequested = false;
        }
        this.queueRender();
      }),
      model.onDidChangeChannel((event) => {
        const name = this.address.kind === 'channel' ? this.address.channel : undefined;
        if (name === undefined || (event.channel.name !== name && event.previous !== name)) return;
        if (event.event === 'renamed') this.address = { kind: 'channel', channel: event.channel.name };
        // Someone came or went: the list is asked again (the event says who, but not in what order they are listed).
        if (event.event === 'joined' || event.event === 'left' || event.event === 'created') this.membersRequested = false;
        this.queueRender();
      }),
      // A topic or read-state change of the user's channels.
      model.onDidChangeUsers(() => this.address.kind === 'channel' && this.queueRender()),
    ];
  }

  /** View state also changes when the panel only moves or gains focus; act on shown/hidden only. */
  private onVisibilityChanged(): void {
    const visible = this.panel.visible;
    if (visible === this.shown) return;
    this.shown = visible;
    if (!visible) {
      // A hidden webview is torn down; it says 'ready' again when shown.
      this.webviewReady = false;
      this.model?.hide(this.address);
      return;
    }
    if (this.model) this.unreadFromKey = this.model.show(this.address);
    this.queueRender();
  }

  /** What the webview posts (the test API hands messages in here too, as the webview would). */
  async onWebviewMessage(raw: unknown): Promise<void> {
    // The schemas (and zod) load with a panel's first message, not at activation (see extension.ts).
    const { fromWebview } = await import('./webview-protocol');
    if (this.isDisposed) return;
    const parsed = fromWebview.safeParse(raw);
    if (!parsed.success) {
      this.log.warn(`ignored an invalid message from the ${this.key} panel: ${parsed.error.message}`);
      return;
    }
    this.handle(parsed.data);
  }

  private handle(message: FromWebview): void {
    switch (message.type) {
      case 'ready':
        this.webviewReady = true;
        this.queueRender();
        return;
      case 'send':
        return this.send(message.text);
      case 'retry':
        if (!this.model) return this.notice('Not connected: run Chat: Connect first.');
        try {
          this.model.retry(this.address, message.id);
        } catch (error) {
          this.notice(errorText(error));
        }
        return;
      case 'loadOlder':
        return this.loadOlder();
      case 'typing':
        this.model?.sendTyping(this.address);
        return;
      case 'openDirect':
        void vscode.commands.executeCommand('relayChat.messageUser', message.with);
        return;
      case 'connect':
        void vscode.commands.executeCommand('relayChat.connect');
        return;
      case 'openLink':
        void vscode.env.openExternal(vscode.Uri.parse(message.url, true));
        return;
      case 'unstage':
        if (this.staged.remove(message.index)) this.queueRender();
        return;
    }
  }

  /** With attachments staged, `text` is their note and may be empty. */
  private send(text: string): void {
    const attachments = this.staged.list;
    const note = attachments.length > 0 && text.trim() === '' ? '' : text;
    const problem = note === '' && attachments.length > 0 ? undefined : validateMessageText(note);
    if (problem) return this.notice(problem);
    if (!this.model || this.model.connection.state === 'closed') {
      return this.notice('Not connected: run Chat: Connect first.');
    }
    this.unreadFromKey = undefined;
    try {
      this.model.send(this.address, note, attachments);
    } catch (error) {
      return this.notice(errorText(error));
    }
    this.staged.clear();
    this.queueRender();
  }

  private loadOlder(): void {
    this.model?.loadOlder(this.address).catch((error: unknown) => {
      this.notice(`Could not load older messages: ${errorText(error)}`);
    });
  }

  /** A conversation shown for the first time gets its recent history without waiting for a scroll. */
  private loadFirstHistory(model: ChatModel, historyRequested: boolean): void {
    if (model.connection.state !== 'online' || this.initialLoadTried || historyRequested) return;
    this.initialLoadTried = true;
    this.loadOlder();
  }

  /** A channel's members, from the server (protocol 2 only: a v1 server has no list). */
  private loadMembers(model: ChatModel): void {
    if (this.address.kind !== 'channel' || this.membersRequested || model.connection.state !== 'online' || !model.hasChannels) return;
    this.membersRequested = true;
    const channel = this.address.channel;
    model.client
      .channelMembers(channel)
      .then((frame) => {
        if (this.model !== model || this.address.kind !== 'channel' || this.address.channel !== channel) return;
        this.members = frame.members;
        this.queueRender();
      })
      .catch((error: unknown) => this.log.warn(`could not list the members of #${channel}: ${errorText(error)}`));
  }

  private channelHeader(model: ChatModel | undefined, channel: string): NonNullable<PanelView['channel']> {
    const joined = model?.channels().find((entry) => entry.conversation.channel === channel);
    return { topic: joined?.topic ?? '', private: joined?.private ?? false, ...(this.members ? { members: this.members } : {}) };
  }

  private mentionable(model: ChatModel | undefined): string[] {
    if (!model) return [];
    const names = this.address.kind === 'channel' ? (this.members ?? []) : [this.address.with];
    return names.filter((name) => !sameName(name, model.self));
  }

  private notice(text: string): void {
    this.post({ type: 'notice', text });
  }

  private post(message: ToWebview): void {
    if (this.webviewReady) void this.panel.webview.postMessage(message);
  }

  /** Many model events arrive together (a welcome brings dozens); render once after them. */
  private queueRender(): void {
    if (this.renderQueued) return;
    this.renderQueued = true;
    queueMicrotask(() => {
      this.renderQueued = false;
      if (!this.isDisposed) this.render();
    });
  }

  private render(): void {
    const model = this.model;
    const conversation = model?.conversation(this.address);
    if (model && conversation) {
      this.address = conversation.conversation;
      this.loadFirstHistory(model, conversation.historyRequested);
      this.loadMembers(model);
    }
    const title = conversationTitle(this.address, model?.self);
    this.panel.title = title;
    const view: PanelView = {
      conversation: this.address,
      title,
      ...(model ? { self: model.self } : {}),
      connection: model?.connection ?? { state: 'disconnected', reached: false },
      entries: model?.timeline(this.address) ?? [],
      hasMore: conversation?.hasMore ?? false,
      loadingOlder: model?.isLoadingOlder(this.address) ?? false,
      ...(this.unreadFromKey !== undefined ? { unreadFromKey: this.unreadFromKey } : {}),
      typing: model?.typingIn(this.address) ?? [],
      ...(this.address.kind === 'channel' ? { channel: this.channelHeader(model, this.address.channel) } : {}),
      mentionable: this.mentionable(model),
      ...(this.staged.list.length > 0 ? { staged: [...this.staged.list] } : {}),
    };
    if (this.webviewReady) this.lastView = view;
    this.post({ type: 'view', view });
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
