/**
 * Owns the one connection the window has: builds the RelayClient and its ChatModel on
 * Chat: Connect (asking for settings first, saving what was typed once a server welcomes it),
 * keeps the name's session secret, says so when a server cannot be reached at all, handles a
 * refused name, replaces the connection for Change Server and Reconnect Now, and tears it all
 * down on Chat: Disconnect. Everything else listens to `onDidChangeModel` and then to the model.
 */
import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import type { RefusalCode } from '../client/relay-client';
import type { SavedSessions } from '../client/saved-sessions';
import type { ChatModel } from './model/chat-model';
import { oneLine } from './model/one-line';
import type { Disposable } from './model/signal';
import type { SessionSecrets } from './session-secrets';
import {
  askUserName,
  caFileSetting,
  everyValueOf,
  resolveConnectionSettings,
  saveTypedSettings,
  type ConnectionSettings,
  type ResolvedSettings,
} from './settings';

const CA_FILE_SETTING = 'relayChat.caFile';

/** Code points of a server's text (an error, a close reason) that a notification repeats. */
const SERVER_TEXT_MAX = 200;

interface Connection {
  model: ChatModel;
  settings: ConnectionSettings;
  /** What was typed into the prompts for it: saved at its first welcome. */
  typed: Partial<ConnectionSettings>;
  subscriptions: Disposable[];
  /** A server never reached has been reported once; the retries that follow say nothing more. */
  unreachableReported: boolean;
  /** The name was refused; that has its own message, so the close that follows says nothing. */
  refused: boolean;
}

export class ConnectionManager implements vscode.Disposable {
  private current: Connection | undefined;
  private starting: Promise<void> | undefined;
  private sessionSecrets: SessionSecrets | undefined;
  /** Typed into a prompt and not yet welcomed by a server: offered again by the next prompt. */
  private unconfirmed: Partial<ConnectionSettings> = {};
  private readonly remember = (answer: Partial<ConnectionSettings>): void => {
    this.unconfirmed = { ...this.unconfirmed, ...answer };
  };
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
    return this.open(() => resolveConnectionSettings({ suggested: this.unconfirmed, remember: this.remember }), { replace: false });
  }

  /** Asks for the server (the current one offered) and connects there instead. */
  changeServer(): Promise<void> {
    const suggested = { ...this.unconfirmed, ...(this.current ? { serverUrl: this.current.settings.serverUrl } : {}) };
    return this.open(() => resolveConnectionSettings({ suggested, askServer: true, remember: this.remember }), { replace: true });
  }

  /**
   * Tries again at once instead of at the end of the backoff. RelayClient has no way to cut its
   * wait short, so this starts a fresh connection with the same settings (the name's session and
   * the history come back with its welcome). Messages still queued would be dropped with the old
   * client, so while there are any the scheduled retry is left to send them exactly once.
   */
  async reconnect(): Promise<void> {
    const connection = this.current;
    if (!connection || connection.model.connection.state === 'closed') return this.connect();
    const { state, retryAt } = connection.model.connection;
    if (state !== 'offline') return;
    const queued = connection.model.client.pending.length;
    if (queued > 0) {
      const when = retryAt === undefined ? 'soon' : `in ${Math.max(1, Math.ceil((retryAt - Date.now()) / 1000))} s`;
      void vscode.window.showInformationMessage(
        `Relay Chat: ${queued} message${queued === 1 ? ' is' : 's are'} waiting to be sent; the next attempt (${when}) sends them exactly once.`,
      );
      return;
    }
    const { settings, typed } = connection;
    await this.open(async () => ({ settings, typed }), { replace: true });
  }

  showLog(): void {
    this.log.show();
  }

  /** One start at a time; unless `replace`, a live connection stays as it is. */
  private open(resolve: () => Promise<ResolvedSettings | undefined>, { replace }: { replace: boolean }): Promise<void> {
    this.starting ??= this.start(resolve, replace).finally(() => (this.starting = undefined));
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

  private async start(resolve: () => Promise<ResolvedSettings | undefined>, replace: boolean): Promise<void> {
    if (!replace && this.current && this.current.model.connection.state !== 'closed') {
      void vscode.window.showInformationMessage(`Relay Chat: already connected as ${this.current.model.self}.`);
      return;
    }
    // Asked before the old connection goes: dismissing a prompt leaves everything as it was.
    const resolved = await resolve();
    if (!resolved) return;
    const { settings, typed } = resolved;
    await this.disconnect();
    // Loaded on the first connect rather than at activation, which happens in every window (see extension.ts).
    const [{ RelayClient }, { ChatModel }, { SessionSecrets }] = await Promise.all([
      import('../client/relay-client'),
      import('./model/chat-model'),
      import('./session-secrets'),
    ]);
    this.sessionSecrets ??= new SessionSecrets(this.secrets, (error) => this.onSessionUnsaved(error));
    const ca = await this.teamCa();
    if (ca === null) return;
    const sessions = await this.savedSessions(this.sessionSecrets, settings, ca);
    if (!sessions) return;
    const client = new RelayClient({
      url: settings.serverUrl,
      name: settings.userName,
      sessionFor: (name) => sessions.sessionFor(name),
      ...(ca !== undefined ? { ca } : {}),
      caHint: `set ${CA_FILE_SETTING} to your team's CA certificate (a PEM file)`,
    });
    const model = new ChatModel(client);
    const connection: Connection = { model, settings, typed, subscriptions: [], unreachableReported: false, refused: false };
    connection.subscriptions.push(
      model.onDidWelcome((welcome) => {
        sessions.remember(welcome);
        void this.confirmTyped(connection);
      }),
      model.onDidRefuse(({ code, message }) => {
        connection.refused = true;
        void this.onRefused(connection, code, message);
      }),
      model.onDidError(({ code, message }) => {
        this.log.warn(`server error ${code}: ${message}`);
        void vscode.window.showWarningMessage(`Relay Chat: ${oneLine(message, SERVER_TEXT_MAX)}`);
      }),
      model.onDidChangeConnection(({ state, error, reached }) => {
        this.log.info(`${state}${error ? `: ${error}` : ''}`);
        void this.updateContext();
        if (state === 'offline' && !reached && !connection.unreachableReported) {
          connection.unreachableReported = true;
          void this.onUnreachable(connection, error);
        }
        if (state === 'closed' && !connection.refused) void this.onClosed(connection, error);
      }),
    );
    this.log.info(`connecting to ${settings.serverUrl} as ${settings.userName}`);
    this.current = connection;
    this.modelChanged.fire(model);
    await this.updateContext();
    model.connect();
  }

  /** The CA certificate `relayChat.caFile` names: undefined when none is set, null when it cannot be read (said so). */
  private async teamCa(): Promise<Buffer | undefined | null> {
    const file = caFileSetting();
    if (file === undefined) return undefined;
    try {
      return await readFile(file);
    } catch (error) {
      const why = (error as NodeJS.ErrnoException).code ?? String(error);
      this.log.error(`could not read the CA certificate ${file}: ${why}`);
      void vscode.window.showErrorMessage(`Relay Chat: cannot read the CA certificate in ${CA_FILE_SETTING} (${file}): ${why}.`);
      return null;
    }
  }

  /** The sessions kept for the server and name, with what earlier versions stored under other keys. */
  private async savedSessions(secrets: SessionSecrets, settings: ConnectionSettings, ca: Buffer | undefined): Promise<SavedSessions | undefined> {
    try {
      return await secrets.forUrl(
        settings.serverUrl,
        { urls: [settings.serverUrl, ...everyValueOf('serverUrl')], names: [settings.userName, ...everyValueOf('userName')] },
        ca,
      );
    } catch (error) {
      // A book that cannot be read is reported, never overwritten: the secrets in it own names.
      const why = error instanceof Error ? error.message : String(error);
      this.log.error(`could not read the saved sessions: ${why}`);
      void vscode.window.showErrorMessage(`Relay Chat: could not read the saved sessions: ${why}`);
      return undefined;
    }
  }

  /** The server welcomed what was typed for this connection: it becomes the settings. */
  private async confirmTyped(connection: Connection): Promise<void> {
    const { typed } = connection;
    connection.typed = {};
    this.unconfirmed = {};
    try {
      await saveTypedSettings(typed);
    } catch (error) {
      this.log.error(`could not save the settings: ${String(error)}`);
    }
  }

  /**
   * The first attempt failed before any welcome: most likely a wrong URL or a server that is
   * not running. Retries go on quietly; this says why once, with the ways out.
   */
  private async onUnreachable(connection: Connection, error: string | undefined): Promise<void> {
    const why = error ? `: ${oneLine(error, SERVER_TEXT_MAX)}` : '';
    const choice = await vscode.window.showErrorMessage(
      `Relay Chat: cannot reach ${oneLine(connection.settings.serverUrl, SERVER_TEXT_MAX)}${why}. Retrying in the background.`,
      'Retry',
      'Change Server',
      'Show Log',
    );
    if (this.current !== connection) return;
    if (choice === 'Retry') await this.reconnect();
    else if (choice === 'Change Server') await this.changeServer();
    else if (choice === 'Show Log') this.showLog();
  }

  /** This connection goes on; only a later one (after a restart) would lose the name. */
  private onSessionUnsaved(error: unknown): void {
    this.log.error(`could not save the session: ${String(error)}`);
    void vscode.window.showWarningMessage(
      'Relay Chat: could not save the session that owns your name; after a restart the name may be refused.',
    );
  }

  /**
   * The server refused the hello: say why, and for a name offer to connect under another one.
   * Signing in with a password is not in the extension yet: the terminal client does it.
   */
  private async onRefused(connection: Connection, code: RefusalCode, message: string): Promise<void> {
    const { userName, serverUrl } = connection.settings;
    if (code !== 'BAD_NAME' && code !== 'NAME_TAKEN') {
      void vscode.window.showErrorMessage(
        `Relay Chat: ${serverUrl} refused to sign "${userName}" in: ${oneLine(message, SERVER_TEXT_MAX)}. ` +
          'This version of the extension cannot sign in with a password; the relay-chat terminal client can (--password-stdin).',
      );
      return;
    }
    const reason =
      code === 'NAME_TAKEN'
        ? `The name "${userName}" is already taken on ${serverUrl}.`
        : `The server refused the name "${userName}": ${oneLine(message, SERVER_TEXT_MAX)}`;
    const choice = await vscode.window.showErrorMessage(`Relay Chat: ${reason}`, 'Choose Another Name');
    if (choice !== 'Choose Another Name' || this.current !== connection) return;
    const newName = await askUserName('Pick another name for the chat', userName);
    if (newName === undefined || this.current !== connection) return;
    const typed = { ...connection.typed, userName: newName };
    await this.open(async () => ({ settings: { serverUrl, userName: newName }, typed }), { replace: true });
  }

  /** The server ended it for good (e.g. the same name connected from another window). */
  private async onClosed(connection: Connection, error: string | undefined): Promise<void> {
    const choice = await vscode.window.showWarningMessage(
      `Relay Chat: disconnected${error ? `: ${oneLine(error, SERVER_TEXT_MAX)}` : ''}.`,
      'Reconnect',
    );
    if (choice === 'Reconnect' && this.current === connection) await this.connect();
  }

  /**
   * For `when` clauses: `relayChat.connected`, a connection is up or being retried (not ended
   * for good); `relayChat.unreachable`, it is being retried but no server has answered yet.
   */
  private async updateContext(): Promise<void> {
    const status = this.current?.model.connection;
    const live = status !== undefined && status.state !== 'closed';
    const unreachable = status !== undefined && status.state === 'offline' && !status.reached;
    await vscode.commands.executeCommand('setContext', 'relayChat.connected', live);
    await vscode.commands.executeCommand('setContext', 'relayChat.unreachable', unreachable);
  }
}

function disposeAll(disposables: readonly Disposable[]): void {
  for (const disposable of disposables) disposable.dispose();
}
