/**
 * Keeps the session secret of each (server URL, name) in a JSON file in the user's config
 * folder, so a later run can claim the same name. The secret is what owns the name, so the
 * file is private (0600, folder 0700) and replaced atomically (write a temp file, rename).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { nameKey } from '../protocol';

const SESSION_FILE_NAME = 'sessions.json';

const sessionFileContent = z.object({
  version: z.literal(1),
  /** Normalised server URL -> lower-cased name -> session secret. */
  sessions: z.record(z.string(), z.record(z.string(), z.string())),
});
type SessionFileContent = z.infer<typeof sessionFileContent>;

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

export class SessionFile {
  readonly path: string;

  constructor(dir: string = configDir()) {
    this.path = path.join(dir, SESSION_FILE_NAME);
  }

  get(url: string, name: string): string | undefined {
    return this.read().sessions[serverKey(url)]?.[nameKey(name)];
  }

  set(url: string, name: string, session: string): void {
    const content = this.read();
    const server = serverKey(url);
    content.sessions[server] = { ...content.sessions[server], [nameKey(name)]: session };
    this.write(content);
  }

  private read(): SessionFileContent {
    let text: string;
    try {
      text = fs.readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, sessions: {} };
      throw error;
    }
    // A broken file is reported, not overwritten: the secrets in it are the only proof of the names.
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new Error(`the session file ${this.path} is not valid JSON; fix or delete it`);
    }
    const parsed = sessionFileContent.safeParse(value);
    if (!parsed.success) {
      throw new Error(`the session file ${this.path} does not have the expected layout; fix or delete it`);
    }
    return parsed.data;
  }

  private write(content: SessionFileContent): void {
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

