/**
 * The session book on disk, in the user's config folder, so a later run can claim the same
 * names. The secrets are what own the names, so the file is private (0600, folder 0700),
 * replaced atomically (write a temp file, rename), and a broken one is reported, never
 * overwritten. A version 1 file is written back as version 2 on the next change
 * (session-book-layout.ts).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SessionBook } from './session-book';
import { readSessionBook, sessionBookText } from './session-book-layout';

const SESSION_FILE_NAME = 'sessions.json';

/** `$RELAY_CHAT_CONFIG_DIR`, else `$XDG_CONFIG_HOME/relay-chat`, else `~/.config/relay-chat`. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.RELAY_CHAT_CONFIG_DIR) return env.RELAY_CHAT_CONFIG_DIR;
  const base = env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  return path.join(base, 'relay-chat');
}

export class SessionFile {
  readonly path: string;

  constructor(dir: string = configDir()) {
    this.path = path.join(dir, SESSION_FILE_NAME);
  }

  load(): SessionBook {
    let text: string;
    try {
      text = fs.readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new SessionBook();
      throw error;
    }
    return readSessionBook(text, `the session file ${this.path}`);
  }

  /** Reads the file afresh (another run may have written it), changes it, and replaces it. */
  update(change: (book: SessionBook) => void): void {
    const book = this.load();
    change(book);
    this.write(book);
  }

  /**
   * Deletes a session wherever it is kept (under any server id, URL and name): for a device
   * that was signed out, whose token will never sign in again. Returns whether it was there.
   */
  forget(session: string): boolean {
    let found = false;
    this.update((book) => {
      for (const tables of [book.servers, book.byUrl]) {
        for (const [key, sessions] of tables) {
          for (const [name, kept] of sessions) {
            if (kept !== session) continue;
            sessions.delete(name);
            found = true;
          }
          if (sessions.size === 0) tables.delete(key);
        }
      }
    });
    return found;
  }

  private write(book: SessionBook): void {
    const dir = path.dirname(this.path);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const temp = `${this.path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      fs.writeFileSync(temp, sessionBookText(book), { mode: 0o600 });
      fs.renameSync(temp, this.path);
    } catch (error) {
      fs.rmSync(temp, { force: true });
      throw error;
    }
  }
}
