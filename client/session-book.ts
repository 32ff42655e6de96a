/**
 * Which session secret owns which name on which server, in memory. Sessions are kept per
 * server installation (the id from the welcome or /healthz), so every spelling of a server's
 * URL finds them and a secret is not offered to another server behind a URL it once used.
 * Sessions saved without an id (by the version 1 file, or from a server that sends none) are
 * kept per normalised URL, and move to the server's id once that URL is seen to lead to it.
 * Maps throughout: names and ids are keys like any other, `__proto__` too.
 */
import { LIMITS, nameKey } from '../protocol';

/** Lower-cased name -> session secret. */
export type NameSessions = Map<string, string>;

export interface SessionBookContent {
  /** Server id -> its sessions. */
  servers: Map<string, NameSessions>;
  /** Normalised URL -> the id of the server it last led to. */
  urls: Map<string, string>;
  /** Normalised URL -> sessions saved for it without a server id. */
  byUrl: Map<string, NameSessions>;
}

/** ws://HOST:4446 and ws://host:4446/ are spelled alike; other spellings need the server id. */
export function urlKey(url: string): string {
  return new URL(url).href;
}

/** What a hello may carry as its session; anything else read back or received is not kept. */
export function isSession(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= LIMITS.sessionMaxLength;
}

export class SessionBook {
  readonly servers: Map<string, NameSessions>;
  readonly urls: Map<string, string>;
  readonly byUrl: Map<string, NameSessions>;

  constructor(content: SessionBookContent = { servers: new Map(), urls: new Map(), byUrl: new Map() }) {
    this.servers = content.servers;
    this.urls = content.urls;
    this.byUrl = content.byUrl;
  }

  /** Whether any server has a session for the name: only then is it worth learning the server's id. */
  hasName(name: string): boolean {
    const key = nameKey(name);
    return [...this.servers.values(), ...this.byUrl.values()].some((sessions) => sessions.has(key));
  }

  /**
   * The session for `name` on the server `url` leads to. With the server's id, only that
   * server's (or this URL's id-less) session; without it, the URL's, as it was last seen.
   */
  find(url: string, name: string, serverId: string | undefined): string | undefined {
    const key = nameKey(name);
    const at = urlKey(url);
    const known = serverId ?? this.urls.get(at);
    return (known === undefined ? undefined : this.servers.get(known)?.get(key)) ?? this.byUrl.get(at)?.get(key);
  }

  /**
   * Records a session the server gave; with its id, the URL's id-less sessions move to that id.
   * Returns whether anything changed, so an unchanged file is not rewritten.
   */
  save(url: string, serverId: string | undefined, name: string, session: string): boolean {
    const at = urlKey(url);
    if (serverId === undefined) return setIn(this.byUrl, at, nameKey(name), session);
    const movedUrl = this.urls.get(at) !== serverId;
    this.urls.set(at, serverId);
    const changedSession = setIn(this.servers, serverId, nameKey(name), session);
    return this.adoptUrlSessions(at, serverId) || changedSession || movedUrl;
  }

  /** Moves what was kept for the URL to its server; a name the server already has keeps both (nothing is lost). */
  private adoptUrlSessions(at: string, serverId: string): boolean {
    const legacy = this.byUrl.get(at);
    const sessions = this.servers.get(serverId);
    if (!legacy || !sessions) return false;
    const before = legacy.size;
    for (const [name, session] of legacy) {
      if (!sessions.has(name)) sessions.set(name, session);
      if (sessions.get(name) === session) legacy.delete(name);
    }
    if (legacy.size === 0) this.byUrl.delete(at);
    return legacy.size !== before;
  }
}

/** Sets tables[key][name]; returns whether that changed anything. */
function setIn(tables: Map<string, NameSessions>, key: string, name: string, session: string): boolean {
  const sessions = tables.get(key) ?? new Map<string, string>();
  tables.set(key, sessions);
  if (sessions.get(name) === session) return false;
  sessions.set(name, session);
  return true;
}
