/**
 * The session book on disk, in the user's config folder, so a later run can claim the same
 * names. The secrets are what own the names, so the file is private (0600, folder 0700),
 * replaced atomically (write a temp file, rename), and a broken one is reported, never
 * overwritten. Version 1 (sessions per normalised URL) is read as the URL-keyed part of
 * version 2 and written back as version 2 on the next change.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isValidName, LIMITS, nameKey } from '../protocol';
import { isServerId } from './server-id';
import { isSession, SessionBook, type NameSessions } from './session-book';

const SESSION_FILE_NAME = 'sessions.json';
const VERSION = 2;

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
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new Error(`the session file ${this.path} is not valid JSON; fix or delete it`);
    }
    return this.parse(value);
  }

  /** Reads the file afresh (another run may have written it), changes it, and replaces it. */
  update(change: (book: SessionBook) => void): void {
    const book = this.load();
    change(book);
    this.write(book);
  }

  private parse(value: unknown): SessionBook {
    const content = new Map(entriesOf(value) ?? []);
    const version = content.get('version');
    if (version === 1) {
      return new SessionBook({ servers: new Map(), urls: new Map(), byUrl: this.sessionTables(content.get('sessions'), 'sessions') });
    }
    if (typeof version === 'number' && version > VERSION) {
      throw new Error(`the session file ${this.path} was written by a newer relay-chat (version ${version}); upgrade relay-chat`);
    }
    if (version !== VERSION) throw this.broken('it has no known version');
    const urls = new Map<string, string>();
    for (const [url, id] of this.entries(content.get('urls'), 'urls')) {
      if (!isServerId(id)) throw this.broken(`urls.${JSON.stringify(url)} is not a server id`);
      urls.set(url, id);
    }
    for (const [id] of this.entries(content.get('servers'), 'servers')) {
      if (!isServerId(id)) throw this.broken(`servers has ${JSON.stringify(id)}, which is not a server id`);
    }
    return new SessionBook({
      servers: this.sessionTables(content.get('servers'), 'servers'),
      urls,
      byUrl: this.sessionTables(content.get('byUrl'), 'byUrl'),
    });
  }

  /** `{KEY: {name: session}}`, each name valid and each session 1 to 128 characters. */
  private sessionTables(value: unknown, where: string): Map<string, NameSessions> {
    const tables = new Map<string, NameSessions>();
    for (const [key, table] of this.entries(value, where)) {
      const sessions: NameSessions = new Map();
      for (const [name, session] of this.entries(table, `${where}.${JSON.stringify(key)}`)) {
        if (!isValidName(name) || name !== nameKey(name)) {
          throw this.broken(`${where}.${JSON.stringify(key)} has ${JSON.stringify(name)}, which is not a lower-case name`);
        }
        if (!isSession(session)) {
          throw this.broken(`the session of ${JSON.stringify(name)} on ${key} is not 1 to ${LIMITS.sessionMaxLength} characters`);
        }
        sessions.set(name, session);
      }
      tables.set(key, sessions);
    }
    return tables;
  }

  private entries(value: unknown, where: string): Array<[string, unknown]> {
    const entries = entriesOf(value);
    if (!entries) throw this.broken(`${where} is not an object`);
    return entries;
  }

  private broken(why: string): Error {
    return new Error(`the session file ${this.path} does not have the expected layout (${why}); fix or delete it`);
  }

  private write(book: SessionBook): void {
    // Object.fromEntries defines own properties, so a `__proto__` key is written like any other.
    const tables = (tables: Map<string, NameSessions>): object =>
      Object.fromEntries([...tables].map(([key, sessions]) => [key, Object.fromEntries(sessions)]));
    const content = { version: VERSION, servers: tables(book.servers), urls: Object.fromEntries(book.urls), byUrl: tables(book.byUrl) };
    const dir = path.dirname(this.path);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const temp = `${this.path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      fs.writeFileSync(temp, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
      fs.renameSync(temp, this.path);
    } catch (error) {
      fs.rmSync(temp, { force: true });
      throw error;
    }
  }
}

/** A JSON object's own entries (JSON.parse makes `__proto__` an own key like any other), else undefined. */
function entriesOf(value: unknown): Array<[string, unknown]> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.entries(value) : undefined;
}
