/**
 * The session book as JSON, in one layout wherever it is kept (the terminal client's
 * sessions.json, the extension's SecretStorage). Reading it back checks every part: a
 * broken book is reported, never half-used. Version 1 (sessions per normalised URL) is read as
 * the URL-keyed part of version 2. Names and ids become own keys, so `__proto__` is one like any other.
 */
import { isValidName, LIMITS, nameKey } from '../protocol';
import { isServerId } from './server-id';
import { isSession, SessionBook, type NameSessions } from './session-book';

const VERSION = 2;

export function sessionBookText(book: SessionBook): string {
  // Object.fromEntries defines own properties, so a `__proto__` key is written like any other.
  const tables = (tables: Map<string, NameSessions>): object =>
    Object.fromEntries([...tables].map(([key, sessions]) => [key, Object.fromEntries(sessions)]));
  const content = { version: VERSION, servers: tables(book.servers), urls: Object.fromEntries(book.urls), byUrl: tables(book.byUrl) };
  return `${JSON.stringify(content, null, 2)}\n`;
}

/** `where` names the book in errors, e.g. "the session file /home/me/.config/relay-chat/sessions.json". */
export function readSessionBook(text: string, where: string): SessionBook {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`${where} is not valid JSON; fix or delete it`);
  }
  return parseLayout(value, where);
}

function parseLayout(value: unknown, where: string): SessionBook {
  const broken = (why: string): Error => new Error(`${where} does not have the expected layout (${why}); fix or delete it`);
  const entries = (value: unknown, part: string): Array<[string, unknown]> => {
    const found = entriesOf(value);
    if (!found) throw broken(`${part} is not an object`);
    return found;
  };
  /** `{KEY: {name: session}}`, each name valid and each session 1 to 128 characters. */
  const sessionTables = (value: unknown, part: string): Map<string, NameSessions> => {
    const tables = new Map<string, NameSessions>();
    for (const [key, table] of entries(value, part)) {
      const sessions: NameSessions = new Map();
      for (const [name, session] of entries(table, `${part}.${JSON.stringify(key)}`)) {
        if (!isValidName(name) || name !== nameKey(name)) {
          throw broken(`${part}.${JSON.stringify(key)} has ${JSON.stringify(name)}, which is not a lower-case name`);
        }
        if (!isSession(session)) {
          throw broken(`the session of ${JSON.stringify(name)} on ${key} is not 1 to ${LIMITS.sessionMaxLength} characters`);
        }
        sessions.set(name, session);
      }
      tables.set(key, sessions);
    }
    return tables;
  };

  const content = new Map(entriesOf(value) ?? []);
  const version = content.get('version');
  if (version === 1) {
    return new SessionBook({ servers: new Map(), urls: new Map(), byUrl: sessionTables(content.get('sessions'), 'sessions') });
  }
  if (typeof version === 'number' && version > VERSION) {
    throw new Error(`${where} was written by a newer relay-chat (version ${version}); upgrade relay-chat`);
  }
  if (version !== VERSION) throw broken('it has no known version');
  const urls = new Map<string, string>();
  for (const [url, id] of entries(content.get('urls'), 'urls')) {
    if (!isServerId(id)) throw broken(`urls.${JSON.stringify(url)} is not a server id`);
    urls.set(url, id);
  }
  for (const [id] of entries(content.get('servers'), 'servers')) {
    if (!isServerId(id)) throw broken(`servers has ${JSON.stringify(id)}, which is not a server id`);
  }
  return new SessionBook({
    servers: sessionTables(content.get('servers'), 'servers'),
    urls,
    byUrl: sessionTables(content.get('byUrl'), 'byUrl'),
  });
}

/** A JSON object's own entries (JSON.parse makes `__proto__` an own key like any other), else undefined. */
function entriesOf(value: unknown): Array<[string, unknown]> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.entries(value) : undefined;
}
