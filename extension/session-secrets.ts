/**
 * The secret sessions that own the user's names, kept in VS Code's SecretStorage (never in
 * settings) as one session book, the terminal client's: sessions per server id, so every
 * spelling of a server's URL finds them and a secret is only offered to the server that issued
 * it (see client/saved-sessions.ts). Versions before it kept one secret per exact URL spelling
 * and name; those are moved into the book when their URL and name are still in the settings.
 */
import type * as vscode from 'vscode';
import { isValidName, nameKey } from '../protocol';
import { SavedSessions, type SessionStore } from '../client/saved-sessions';
import { fetchServerId } from '../client/server-id';
import { isSession, SessionBook, urlKey } from '../client/session-book';
import { readSessionBook, sessionBookText } from '../client/session-book-layout';

const BOOK_KEY = 'relayChat.sessions';
const WHERE = "Relay Chat's sessions in VS Code's secret storage";

/** The URL spellings and names earlier versions may have stored a secret under. */
export interface EarlierSpellings {
  urls: readonly string[];
  names: readonly string[];
}

export class SessionSecrets {
  /** Changes to the book, one at a time, each on the book as stored when it starts. */
  private changes: Promise<void> = Promise.resolve();

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly reportError: (error: unknown) => void,
    private readonly identifyServer: (url: string, ca: Buffer | undefined) => Promise<string | undefined> = (url, ca) =>
      fetchServerId(url, ca === undefined ? {} : { ca }),
  ) {}

  /**
   * The sessions for connecting to `url`, once the secrets earlier versions kept are in the book.
   * `ca`: the team's CA, which the server's id is asked over https:// with too.
   */
  async forUrl(url: string, earlier: EarlierSpellings, ca?: Buffer): Promise<SavedSessions> {
    await this.moveEarlierSecrets(earlier);
    const book = await this.read();
    const store: SessionStore = { load: () => book, update: (change) => void this.change(change).catch(this.reportError) };
    return new SavedSessions(store, url, (serverUrl) => this.identifyServer(serverUrl, ca));
  }

  /** Drops `session` wherever the book keeps it for `name`: it was signed out and opens nothing any more. */
  forget(name: string, session: string): Promise<void> {
    const key = nameKey(name);
    return this.change((book) => {
      for (const sessions of [...book.servers.values(), ...book.byUrl.values()]) {
        if (sessions.get(key) === session) sessions.delete(key);
      }
    });
  }

  private async read(): Promise<SessionBook> {
    const text = await this.secrets.get(BOOK_KEY);
    return text === undefined ? new SessionBook() : readSessionBook(text, WHERE);
  }

  /** Rejects if the change could not be stored; the next change runs either way. */
  private change(change: (book: SessionBook) => void): Promise<void> {
    const done = this.changes.then(async () => {
      const book = await this.read();
      change(book);
      await this.secrets.store(BOOK_KEY, sessionBookText(book));
    });
    this.changes = done.catch(() => undefined);
    return done;
  }

  /**
   * Each old secret goes into the book as its URL's (what the book keeps for a URL whose server
   * it does not know yet), and is deleted only once the book holding it is stored. One the
   * book already has another session for stays where it is, for a later connection to move.
   */
  private async moveEarlierSecrets({ urls, names }: EarlierSpellings): Promise<void> {
    const found: Array<{ key: string; url: string; name: string; session: string }> = [];
    for (const url of new Set(urls.filter(isParsableUrl))) {
      for (const name of new Set(names.filter(isValidName).map(nameKey))) {
        const key = earlierSecretKey(url, name);
        const session = await this.secrets.get(key);
        if (isSession(session)) found.push({ key, url, name, session });
      }
    }
    if (found.length === 0) return;
    const moved: string[] = [];
    await this.change((book) => {
      for (const { key, url, name, session } of found) {
        const kept = book.byUrl.get(urlKey(url))?.get(name);
        if (kept !== undefined && kept !== session) continue;
        book.save(url, undefined, name, session);
        moved.push(key);
      }
    });
    for (const key of moved) await this.secrets.delete(key);
  }
}

/** The book as stored, for the extension-host tests (see test-api.ts). */
export function storedSessionBook(secrets: vscode.SecretStorage): Thenable<string | undefined> {
  return secrets.get(BOOK_KEY);
}

/** Where versions before the session book kept a name's secret: per exact URL spelling. */
export function earlierSecretKey(serverUrl: string, userName: string): string {
  return `relayChat.session:${serverUrl}#${nameKey(userName)}`;
}

function isParsableUrl(url: string): boolean {
  try {
    urlKey(url);
    return true;
  } catch {
    return false;
  }
}
