/**
 * The sessions a client keeps for one server URL, between runs: before every hello it learns
 * which server the URL leads to now (when it holds a secret for the name at all) and offers
 * only that server's session; after every welcome it saves what the server gave.
 */
import { isValidName, type WelcomeFrame } from '../protocol';
import { fetchServerId, isServerId } from './server-id';
import { isSession, type SessionBook } from './session-book';

/** Where the book is kept between runs: the terminal client's file, the extension's SecretStorage. */
export interface SessionStore {
  load(): SessionBook;
  /** Applies `change` to the book as kept now (another run may have changed it) and keeps the result. */
  update(change: (book: SessionBook) => void): void;
}

export class SavedSessions {
  private readonly book: SessionBook;

  /** Loads the book now, so a broken one is reported before connecting. */
  constructor(
    private readonly store: SessionStore,
    private readonly url: string,
    private readonly identifyServer: (url: string) => Promise<string | undefined> = fetchServerId,
  ) {
    this.book = store.load();
  }

  /** The session to send in the hello for `name`, if this server issued one. */
  async sessionFor(name: string): Promise<string | undefined> {
    if (!this.book.hasName(name)) return undefined;
    return this.book.find(this.url, name, await this.identifyServer(this.url));
  }

  /**
   * Saves the welcome's session, under the server's id when it sends one. Kept in memory even
   * if the store cannot keep it (this run still reconnects); the file throws so the caller can say so.
   */
  remember(welcome: WelcomeFrame): void {
    // All of it comes from the server: a name, id or session that could not be read back is not kept.
    if (!isSession(welcome.session) || !isValidName(welcome.name)) return;
    const server = isServerId(welcome.server) ? welcome.server : undefined;
    if (this.book.save(this.url, server, welcome.name, welcome.session)) {
      this.store.update((book) => book.save(this.url, server, welcome.name, welcome.session));
    }
  }
}
