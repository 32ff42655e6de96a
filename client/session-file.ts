/**
 * Keeps the session secret of each (server URL, name) in a JSON file in the user's config
 * folder, so a later run can claim the same name. The secret is what owns the name, so the
 * file is private (0600, folder 0700) and replaced atomically (write a temp file, rename).
 * Its tables are read into Maps, never plain objects: any valid name is a key, `__proto__` too.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LIMITS, nameKey } from '../protocol';

const SESSION_FILE_NAME = 'sessions.json';

/** Normalised server URL -> lower-cased name -> session secret. */
type Sessions = Map<string, Map<string, string>>;

/** `$RELAY_CHAT_CONFIG_DIR`, else `$XDG_CONFIG_HOME/relay-chat`, else `~/.config/relay-chat`. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.RELAY_CHAT_CONFIG_DIR) return env.RELAY_CHAT_CONFIG_DIR;
  const base = env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  return path.join(base, 'relay-chat');
}

/** ws://HOST:4446 and ws://host:4446/ are the same server. */
function serverKey(url: string): string {
  return new URL(url).href;
}

function isSession(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= LIMITS.sessionMaxLength;
}

export class SessionFile {
  readonly path: string;

  constructor(dir: string = configDir()) {
    this.path = path.join(dir, SESSION_FILE_NAME);
  }

  get(url: string, name: string): string | undefined {
    return this.read().get(serverKey(url))?.get(nameKey(name));
  }

  set(url: string, name: string, session: string): void {
    const sessions = this.read();
    const server = serverKey(url);
    const names = sessions.get(server) ?? new Map<string, string>();
    names.set(nameKey(name), session);
    sessions.set(server, names);
    this.write(sessions);
  }

  private read(): Sessions {
    let text: string;
    try {
      text = fs.readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
      throw error;
    }
    // A broken file is reported, not overwritten: the secrets in it are the only proof of the names.
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new Error(`the session file ${this.path} is not valid JSON; fix or delete it`);
    }
    const layout = entriesOf(value);
    const version = layout?.find(([key]) => key === 'version')?.[1];
    const servers = entriesOf(layout?.find(([key]) => key === 'sessions')?.[1]);
    if (version !== 1 || !servers) throw this.badLayout();
    const sessions: Sessions = new Map();
    for (const [server, table] of servers) {
      const names = entriesOf(table);
      if (!names) throw this.badLayout();
      const byName = new Map<string, string>();
      for (const [name, session] of names) {
        if (!isSession(session)) {
          throw new Error(
            `the session of ${JSON.stringify(name)} on ${server} in ${this.path} is not 1 to ${LIMITS.sessionMaxLength} characters; fix or delete it`,
          );
        }
        byName.set(name, session);
      }
      sessions.set(server, byName);
    }
    return sessions;
  }

  private badLayout(): Error {
    return new Error(`the session file ${this.path} does not have the expected layout; fix or delete it`);
  }

  private write(sessions: Sessions): void {
    const content = {
      version: 1,
      // Object.fromEntries defines own properties, so a `__proto__` key is written like any other.
      sessions: Object.fromEntries([...sessions].map(([server, names]) => [server, Object.fromEntries(names)])),
    };
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
