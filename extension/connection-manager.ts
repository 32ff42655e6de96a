/**
 * Owns the one connection the window has: builds the RelayClient and its ChatModel on
 * Chat: Connect (asking for settings first), keeps the name's session secret, handles a
 * refused name, and tears it all down on Chat: Disconnect. Everything else listens to
 * `onDidChangeModel` and then to the model itself.
 */
import * as vscode from 'vscode';
import type { SavedSessions } from '../client/saved-sessions';
import type { ChatModel } from './model/chat-model';
import { oneLine } from './model/one-line';
import type { Disposable } from './model/signal';
import type { SessionSecrets } from './session-secrets';
import { askUserName, everyValueOf, resolveConnectionSettings, type ConnectionSettings } from './settings';

/** Code points of a server's text (an error, a close reason) that a notification repeats. */
const SERVER_TEXT_MAX = 200;

interface Connection {
  model: ChatModel;
  settings: ConnectionSettings;
  subscriptions: Disposable[];
  /** The name was refused; that has its own message, so the close that follows says nothing. */
  refused: boolean;
}

export class ConnectionManager implements vscode.Disposable {
  private current: Connection | undefined;
  private starting: Promise<void> | undefined;
  private sessionSecrets: SessionSecrets | undefined;
  private readonly modelChanged = new vscode.EventEmitter<ChatModel | undefined>();
  readonly onDidChangeModel = this.modelChanged.event;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get model(): ChatModel | undefined {
    return this.current?.model;
  }

  get serverUrl(): string | undefined {
    return this.current?.settings.serverUrl;
  }

  /**
   * Calls `bind` with the current model (undefined while disconnected) and again each time it
   * is replaced; whatever `bind` returned for the previous model is disposed first.
   */
  watchModel(bind: (model: ChatModel | undefined) => Disposable[]): vscode.Disposable {
    let bound = bind(this.model);
    const subscription = this.onDidChangeModel((model) => {
      disposeAll(bound);
      bound = bind(model);
    });
    return {
      dispose: () => {
        subscription.dispose();
        disposeAll(bound);
      },
    };
  }

  /** Connects unless already connected; a connection that ended for good is started afresh. */
  connect(): Promise<void> {
    this.starting ??= this.start().finally(() => (this.starting = undefined));
    return this.starting;
  }

  async disconnect(): Promise<void> {
    const connection = this.current;
    if (!connection) return;
    this.current = undefined;
    disposeAll(connection.subscriptions);
    await connection.model.close();
    connection.model.dispose();
    this.modelChanged.fire(undefined);
    await this.updateContext();
  }

  dispose(): void {
    void this.disconnect();
    this.modelChanged.dispose();
  }

  private async start(): Promise<void> {
    if (this.current && this.current.model.connection.state !== 'closed') {
      void vscode.window.showInformationMessage(`Relay Chat: already connected as ${this.current.model.self}.`);
      return;
    }
    await this.disconnect();
    const settings = await resolveConnectionSettings();
    if (!settings) return;
    // Loaded on the first connect rather than at activation, which happens in every window (see extension.ts).
    const [{ RelayClient }, { ChatModel }, { SessionSecrets }] = await Promise.all([
      import('../client/relay-client'),
      import('./model/chat-model'),
      import('./session-secrets'),
    ]);
    this.sessionSecrets ??= new SessionSecrets(this.secrets, (error) => this.onSessionUnsaved(error));
    const sessions = await this.savedSessions(this.sessionSecrets, settings);
    if (!sessions) return;
    const client = new RelayClient({
      url: settings.serverUrl,
      name: settings.userName,
      sessionFor: (name) => sessions.sessionFor(name),
    });
    const model = new ChatModel(client);
    const connection: Connection = { model, settings, subscriptions: [], refused: false };
    connection.subscriptions.push(
      model.onDidWelcome((welcome) => sessions.remember(welcome)),
      model.onDidRefuse(({ code, message }) => {
        connection.refused = true;
        void this.onRefused(connection, code, message);
      }),
      model.onDidError(({ code, message }) => {
        this.log.warn(`server error ${code}: ${message}`);
        void vscode.window.showWarningMessage(`Relay Chat: ${oneLine(message, SERVER_TEXT_MAX)}`);
      }),
      model.onDidChangeConnection(({ state, error }) => {
        this.log.info(`${state}${error ? `: ${error}` : ''}`);
        if (state === 'closed') {
          void this.updateContext();
          if (!connection.refused) void this.onClosed(connection, error);
        }
      }),
    );
    this.log.info(`connecting to ${settings.serverUrl} as ${settings.userName}`);
    this.current = connection;
    this.modelChanged.fire(model);
    await this.updateContext();
    model.connect();
  }

  /** The sessions kept for the server and name, with what earlier versions stored under other keys. */
  private async savedSessions(secrets: SessionSecrets, settings: ConnectionSettings): Promise<SavedSessions | undefined> {
    try {
      return await secrets.forUrl(settings.serverUrl, {
        urls: [settings.serverUrl, ...everyValueOf('serverUrl')],
        names: [settings.userName, ...everyValueOf('userName')],
      });
    } catch (error) {
      // A book that cannot be read is reported, never overwritten: the secrets in it own names.
      const why = error instanceof Error ? error.message : String(error);
      this.log.error(`could not read the saved sessions: ${why}`);
      void vscode.window.showErrorMessage(`Relay Chat: could not read the saved sessions: ${why}`);
      return undefined;
    }
  }

  /** This connection goes on; only a later one (after a restart) would lose the name. */
  private onSessionUnsaved(error: unknown): void {
    this.log.error(`could not save the session: ${String(error)}`);
    void vscode.window.showWarningMessage(
      'Relay Chat: could not save the session that owns your name; after a restart the name may be refused.',
    );
  }

  /** The server refused the name: say why and offer to connect again under another one. */
  private async onRefused(connection: Connection, code: 'BAD_NAME' | 'NAME_TAKEN', message: string): Promise<void> {
    const { userName, serverUrl } = connection.settings;
    const reason =
      code === 'NAME_TAKEN'
        ? `The name "${userName}" is already taken on ${serverUrl}.`
        : `The server refused the name "${userName}": ${oneLine(message, SERVER_TEXT_MAX)}`;
    const choice = await vscode.window.showErrorMessage(`Relay Chat: ${reason}`, 'Choose Another Name');
    if (choice !== 'Choose Another Name' || this.current !== connection) return;
    const newName = await askUserName('Pick another name for the chat', userName);
    if (newName === undefined || this.current !== connection) return;
    await this.connect();
  }

  /** The server ended it for good (e.g. the same name connected from another window). */
  private async onClosed(connection: Connection, error: string | undefined): Promise<void> {
    const choice = await vscode.window.showWarningMessage(
      `Relay Chat: disconnected${error ? `: ${oneLine(error, SERVER_TEXT_MAX)}` : ''}.`,
      'Reconnect',
    );
    if (choice === 'Reconnect' && this.current === connection) await this.connect();
  }

  /** For `when` clauses: a connection is up or being retried (not ended for good). */
  private updateContext(): Thenable<unknown> {
    const live = this.current !== undefined && this.current.model.connection.state !== 'closed';
    return vscode.commands.executeCommand('setContext', 'relayChat.connected', live);
  }
}

function disposeAll(disposables: readonly Disposable[]): void {
  for (const disposable of disposables) disposable.dispose();
}
