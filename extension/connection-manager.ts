/**
 * Owns the one connection the window has: builds the RelayClient and its ChatModel on
 * Chat: Connect (asking for settings first, and for a password when this device holds no token
 * for the name; saving what was typed once a server welcomes it), keeps the name's device token,
 * says so when a server cannot be reached at all, answers a refused sign-in with its next step,
 * replaces the connection for Change Server, signs out, and tears it all down on
 * Chat: Disconnect. Everything else listens to `onDidChangeModel` and then to the model.
 */
import { readFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as vscode from 'vscode';
import type { SavedSessions } from '../client/saved-sessions';
import type { ChatModel } from './model/chat-model';
import { oneLine } from './model/one-line';
import { describeRefusal, SERVER_TEXT_MAX } from './model/refusal';
import type { Disposable } from './model/signal';
import { askNewPassword, askPassword } from './password-prompts';
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

/** How this device is listed in the account's devices. */
const DEVICE_LABEL = `VS Code on ${os.hostname()}`;

/** What a connection is started with. */
export interface Attempt extends ResolvedSettings {
  /**
   * Sign in (or register) with these. Handed to the client, which sends them until a welcome
   * and then forgets them; never stored. Without them, a password is asked for when this
   * device holds no token for the name.
   */
  credentials?: { password?: string; invite?: string };
}

interface Connection {
  model: ChatModel;
  settings: ConnectionSettings;
  /** What was typed into the prompts for it: saved at its first welcome. */
  typed: Partial<ConnectionSettings>;
  /** The invite it registers with, if any: choosing another name after NAME_TAKEN needs it again. */
  invite: string | undefined;
  /** Whether the last hello carried a password: a refusal then means that password. */
  passwordSent: boolean;
  subscriptions: Disposable[];
  /** A server never reached has been reported once; the retries that follow say nothing more. */
  unreachableReported: boolean;
  /** Refused or signed out: that has its own message, so the close that follows says nothing. */
  closeExplained: boolean;
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

  /** Connects with an invite: the server, name and password were asked by the invite link's handler. */
  joinWithInvite(join: { serverUrl: string; userName: string; invite: string; password: string }): Promise<void> {
    const settings = { serverUrl: join.serverUrl, userName: join.userName };
    return this.open(async () => ({ settings, typed: settings, credentials: { invite: join.invite, password: join.password } }), { replace: true });
  }

  /** Tries again at once instead of at the end of the backoff; what is queued goes out once welcomed. */
  async reconnect(): Promise<void> {
    const connection = this.current;
    if (!connection || connection.model.connection.state === 'closed') return this.connect();
    connection.model.client.reconnectNow();
  }

  /**
   * Signs this device out on the server (its token stops working there), forgets the token and
   * disconnects; the next Connect asks for the password. Asks first.
   */
  async signOut(): Promise<void> {
    const connection = this.current;
    if (!connection || connection.model.connection.state !== 'online') {
      void vscode.window.showWarningMessage('Relay Chat: connect first to sign out: the server must revoke this device.');
      return;
    }
    const { client } = connection.model;
    const who = `"${client.name}" on ${oneLine(connection.settings.serverUrl, SERVER_TEXT_MAX)}`;
    const choice = await vscode.window.showWarningMessage(
      `Sign out ${who} on this device?`,
      { modal: true, detail: "This device's token stops working; Chat: Connect asks for the password next time." },
      'Sign Out',
    );
    if (choice !== 'Sign Out' || this.current !== connection) return;
    const token = client.session;
    // The server closes the connection right after its answer: that close is this sign-out.
    connection.closeExplained = true;
    try {
      await client.signOut();
    } catch (error) {
      connection.closeExplained = false;
      void vscode.window.showErrorMessage(`Relay Chat: could not sign out: ${errorText(error)}. This device is still signed in; try again once connected.`);
      return;
    }
    if (token !== undefined) {
      try {
        await this.sessionSecrets?.forget(client.name, token);
      } catch (error) {
        this.log.error(`could not remove the signed-out token: ${String(error)}`);
      }
    }
    await this.disconnect();
    void vscode.window.showInformationMessage(`Relay Chat: signed out ${who}. Chat: Connect signs in again with the password.`);
  }

  /** The session book's stored text (for the test API, under test only). */
  async storedSessionBook(): Promise<string | undefined> {
    return (await import('./session-secrets')).storedSessionBook(this.secrets);
  }

  showLog(): void {
    this.log.show();
  }

  /** One start at a time; unless `replace`, a live connection stays as it is. */
  private open(resolve: () => Promise<Attempt | undefined>, { replace }: { replace: boolean }): Promise<void> {
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

  private async start(resolve: () => Promise<Attempt | undefined>, replace: boolean): Promise<void> {
    if (!replace && this.current && this.current.model.connection.state !== 'closed') {
      void vscode.window.showInformationMessage(`Relay Chat: already connected as ${this.current.model.self}.`);
      return;
    }
    // Asked before the old connection goes: dismissing a prompt leaves everything as it was.
    const attempt = await resolve();
    if (!attempt) return;
    const { settings, typed } = attempt;
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
    const credentials = attempt.credentials ?? (await this.askCredentials(sessions, attempt));
    if (!credentials) return;
    await this.disconnect();
    const client = new RelayClient({
      url: settings.serverUrl,
      name: settings.userName,
      sessionFor: (name) => sessions.sessionFor(name),
      device: DEVICE_LABEL,
      // Channels, and read state the server keeps, so counts survive a reload and follow the user's devices.
      protocol: 2,
      ...(credentials.password !== undefined ? { password: credentials.password } : {}),
      ...(credentials.invite !== undefined ? { invite: credentials.invite } : {}),
      ...(ca !== undefined ? { ca } : {}),
      caHint: `set ${CA_FILE_SETTING} to your team's CA certificate (a PEM file)`,
    });
    const model = new ChatModel(client);
    const connection: Connection = {
      model,
      settings,
      typed,
      invite: credentials.invite,
      passwordSent: credentials.password !== undefined,
      subscriptions: [],
      unreachableReported: false,
      closeExplained: false,
    };
    connection.subscriptions.push(
      model.onDidWelcome((welcome) => {
        sessions.remember(welcome);
        connection.invite = undefined;
        void this.confirmTyped(connection);
      }),
      model.onDidRefuse(({ code, message, retryAfterMs }) => {
        connection.closeExplained = true;
        this.log.warn(`sign-in refused: ${code}: ${message}`);
        void this.onRefused(connection, code, message, retryAfterMs);
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
        if (state === 'closed' && !connection.closeExplained) void this.onClosed(connection, error);
      }),
    );
    this.log.info(`connecting to ${settings.serverUrl} as ${settings.userName}`);
    this.current = connection;
    this.modelChanged.fire(model);
    await this.updateContext();
    model.connect();
  }

  /**
   * Without a token for the name here, the password (or, on a server open to everyone, none).
   * Undefined when the prompt was dismissed.
   */
  private async askCredentials(sessions: SavedSessions, attempt: Attempt): Promise<Attempt['credentials']> {
    const { serverUrl, userName } = attempt.settings;
    if ((await sessions.sessionFor(userName)) !== undefined) return {};
    const password = await askPassword({
      prompt:
        `Password for "${userName}" on ${oneLine(serverUrl, SERVER_TEXT_MAX)}. On a server open to everyone you may leave it ` +
        "empty: then this device's token alone owns the name.",
      allowEmpty: true,
      ...(attempt.passwordStep ? { step: attempt.passwordStep } : {}),
    });
    if (password === undefined) return undefined;
    return password === '' ? {} : { password };
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

  /** The server refused the hello: say why and offer the next step (see model/refusal.ts). */
  private async onRefused(connection: Connection, code: string, message: string, retryAfterMs: number | undefined): Promise<void> {
    const { userName, serverUrl } = connection.settings;
    const answer = describeRefusal({
      code,
      serverText: message,
      userName,
      serverUrl,
      passwordSent: connection.passwordSent,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
    const { next } = answer;
    switch (next.kind) {
      case 'askPassword':
        return this.signInAgain(connection, next.prompt);
      case 'retryPassword': {
        const choice = await vscode.window.showErrorMessage(`Relay Chat: ${answer.message}`, next.button);
        if (choice === next.button) await this.signInAgain(connection, `Password for "${userName}" on ${oneLine(serverUrl, SERVER_TEXT_MAX)}`);
        return;
      }
      case 'waitThenRetry': {
        void vscode.window.showErrorMessage(`Relay Chat: ${answer.message}`);
        await new Promise((resolve) => setTimeout(resolve, next.waitMs));
        if (this.current !== connection) return;
        const choice = await vscode.window.showInformationMessage(`Relay Chat: you can try to sign in as "${userName}" again now.`, 'Try Again');
        if (choice === 'Try Again') await this.signInAgain(connection, `Password for "${userName}" on ${oneLine(serverUrl, SERVER_TEXT_MAX)}`);
        return;
      }
      case 'chooseName': {
        const choice = await vscode.window.showErrorMessage(`Relay Chat: ${answer.message}`, next.button);
        if (choice === next.button && this.current === connection) await this.connectAsAnotherName(connection);
        return;
      }
      case 'showLog': {
        const choice = await vscode.window.showErrorMessage(`Relay Chat: ${answer.message}`, next.button);
        if (choice === next.button) this.showLog();
        return;
      }
      case 'none':
        void vscode.window.showErrorMessage(`Relay Chat: ${answer.message}`);
        return;
    }
  }

  /** Asks for the password and signs the refused client in with it (the same client: queued messages stay). */
  private async signInAgain(connection: Connection, prompt: string): Promise<void> {
    const password = await askPassword({ prompt, allowEmpty: false });
    if (password === undefined || this.current !== connection) return;
    connection.closeExplained = false;
    connection.passwordSent = true;
    connection.model.client.signIn(password);
  }

  /** After NAME_TAKEN or BAD_NAME: another name, with a new password too when joining with an invite. */
  private async connectAsAnotherName(connection: Connection): Promise<void> {
    const { serverUrl, userName } = connection.settings;
    const newName = await askUserName('Pick another name for the chat', userName, connection.invite ? { index: 1, count: 3 } : undefined);
    if (newName === undefined || this.current !== connection) return;
    const typed = { ...connection.typed, userName: newName };
    const settings = { serverUrl, userName: newName };
    const { invite } = connection;
    if (invite === undefined) {
      await this.open(async () => ({ settings, typed }), { replace: true });
      return;
    }
    const password = await askNewPassword({ title: 'Relay Chat: Join', prompt: `A password for "${newName}"`, first: 2, count: 3 });
    if (password === undefined || this.current !== connection) return;
    await this.open(async () => ({ settings, typed, credentials: { invite, password } }), { replace: true });
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
   * for good); `relayChat.unreachable`, it is being retried but no server has answered yet;
   * `relayChat.online`, welcomed right now (the account commands need the server);
   * `relayChat.admin`, welcomed with an admin's account (the admin commands).
   */
  private async updateContext(): Promise<void> {
    const status = this.current?.model.connection;
    const live = status !== undefined && status.state !== 'closed';
    const unreachable = status !== undefined && status.state === 'offline' && !status.reached;
    await vscode.commands.executeCommand('setContext', 'relayChat.connected', live);
    await vscode.commands.executeCommand('setContext', 'relayChat.online', status?.state === 'online');
    await vscode.commands.executeCommand('setContext', 'relayChat.unreachable', unreachable);
    const admin = status?.state === 'online' && this.current?.model.client.accountState?.admin === true;
    await vscode.commands.executeCommand('setContext', 'relayChat.admin', admin);
  }
}

function errorText(error: unknown): string {
  return oneLine(error instanceof Error ? error.message : String(error), SERVER_TEXT_MAX);
}

function disposeAll(disposables: readonly Disposable[]): void {
  for (const disposable of disposables) disposable.dispose();
}
