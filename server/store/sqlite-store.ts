/**
 * The embedded default store: SQLite through better-sqlite3, in WAL mode.
 *
 * Appends are queued and committed in one transaction per event-loop turn, and each append
 * resolves only after that commit, so nothing is delivered or acked before it is on disk
 * (in the WAL: it survives the process being killed; with `synchronous: 'full'` it also
 * survives power loss, at the cost of an fsync per turn).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { nameKey, type ChatMessage } from '../../protocol';
import type {
  AppendResult,
  ClaimResult,
  HistoryQuery,
  HistoryResult,
  MessageStore,
  NewMessage,
  UserRecord,
  WelcomeSnapshot,
} from './message-store';

export interface SqliteStoreOptions {
  /** Folder of the database file; absent for a store that lives in memory only. */
  dataDir?: string;
  synchronous?: 'normal' | 'full';
}

export const DATABASE_FILE = 'relay-chat.sqlite3';
const GROUP = 'group';

/**
 * Each step takes the schema from its index to the next version; files written by an older
 * server are brought up to date in place, in one transaction per step, keeping their history.
 */
const MIGRATIONS: ReadonlyArray<(db: Database.Database) => void> = [
  (db) =>
    db.exec(`
      CREATE TABLE users (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        key TEXT NOT NULL UNIQUE,
        session TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE messages (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        conversation TEXT NOT NULL,
        sender_id INTEGER NOT NULL,
        sender_name TEXT NOT NULL,
        recipient_id INTEGER,
        recipient_name TEXT,
        client_id TEXT NOT NULL,
        text TEXT NOT NULL,
        ts INTEGER NOT NULL,
        UNIQUE (sender_id, client_id)
      );
      CREATE INDEX messages_by_conversation ON messages (conversation, seq);
      CREATE INDEX messages_by_recipient ON messages (recipient_id, seq) WHERE recipient_id IS NOT NULL;
    `),
  // The installation's id, so clients can tell one server from another whatever URL reaches it.
  (db) => {
    db.exec('CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID');
    db.prepare(`INSERT INTO meta (key, value) VALUES ('server_id', ?)`).run(randomBytes(16).toString('base64url'));
  },
  // Secrets only as hashes at rest: a copied database file must not let its reader claim every name.
  (db) => {
    db.function('relay_secret_hash', { deterministic: true }, (secret: unknown) => secretHash(String(secret)));
    db.exec(`
      ALTER TABLE users RENAME COLUMN session TO session_hash;
      UPDATE users SET session_hash = relay_secret_hash(session_hash);
    `);
  },
];
export const SCHEMA_VERSION = MIGRATIONS.length;
/** The first schema that holds no secret in plain text. */
const SECRETS_HASHED_FROM = 3;

interface MessageRow {
  seq: number;
  client_id: string;
  sender_name: string;
  recipient_name: string | null;
  text: string;
  ts: number;
}

interface UserRow {
  id: number;
  name: string;
  session_hash: string;
}

/**
 * A session secret is 192 random bits, so one SHA-256 is enough to keep it unusable at rest:
 * there is nothing to guess, unlike a password.
 */
function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

interface PendingAppend {
  message: NewMessage;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

function toChatMessage(row: MessageRow): ChatMessage {
  const message: ChatMessage = { type: 'message', seq: row.seq, id: row.client_id, from: row.sender_name, text: row.text, ts: row.ts };
  if (row.recipient_name !== null) message.to = row.recipient_name;
  return message;
}

function toUserRecord(row: UserRow): UserRecord {
  return { id: row.id, name: row.name };
}

function privateConversation(a: number, b: number): string {
  return a < b ? `p:${a}:${b}` : `p:${b}:${a}`;
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

const MESSAGE_COLUMNS = 'seq, client_id, sender_name, recipient_name, text, ts';
const VISIBLE_TO_VIEWER = `(conversation = '${GROUP}' OR sender_id = @viewer OR recipient_id = @viewer)`;

export class SqliteStore implements MessageStore {
  private readonly db: Database.Database;
  private pending: PendingAppend[] = [];
  private flushScheduled = false;
  private closed = false;

  private readonly statements;

  constructor(options: SqliteStoreOptions = {}) {
    let file = ':memory:';
    if (options.dataDir) {
      mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
      file = path.join(options.dataDir, DATABASE_FILE);
    }
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    // The `release` command may write while a server runs; wait for its lock instead of failing.
    this.db.pragma('busy_timeout = 5000');
    this.migrate();
    const db = this.db;
    this.statements = {
      userByKey: db.prepare<[string], UserRow>('SELECT id, name, session_hash FROM users WHERE key = ?'),
      insertUser: db.prepare<[string, string, string, number], UserRow>(
        'INSERT INTO users (name, key, session_hash, created_at) VALUES (?, ?, ?, ?) RETURNING id, name, session_hash',
      ),
      insertMessage: db.prepare<
        {
          conversation: string;
          sender: number;
          senderName: string;
          recipient: number | null;
          recipientName: string | null;
          clientId: string;
          text: string;
          ts: number;
        },
        { seq: number }
      >(
        `INSERT INTO messages (conversation, sender_id, sender_name, recipient_id, recipient_name, client_id, text, ts)
         VALUES (@conversation, @sender, @senderName, @recipient, @recipientName, @clientId, @text, @ts)
         ON CONFLICT (sender_id, client_id) DO NOTHING RETURNING seq`,
      ),
      messageByClientId: db.prepare<[number, string], MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE sender_id = ? AND client_id = ?`,
      ),
      latestVisible: db.prepare<{ viewer: number; limit: number }, MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE ${VISIBLE_TO_VIEWER} ORDER BY seq DESC LIMIT @limit`,
      ),
      visibleAfter: db.prepare<{ viewer: number; after: number; limit: number }, MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE seq > @after AND ${VISIBLE_TO_VIEWER} ORDER BY seq DESC LIMIT @limit`,
      ),
      conversationBefore: db.prepare<{ conversation: string; before: number; limit: number }, MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversation = @conversation AND seq < @before
         ORDER BY seq DESC LIMIT @limit`,
      ),
      latestSeq: db.prepare<[], { seq: number }>(`SELECT seq FROM sqlite_sequence WHERE name = 'messages'`),
      deletePrivateMessages: db.prepare<{ user: number }, unknown>(
        `DELETE FROM messages WHERE conversation != '${GROUP}' AND (sender_id = @user OR recipient_id = @user)`,
      ),
      deleteUser: db.prepare<[number], unknown>('DELETE FROM users WHERE id = ?'),
      serverId: db.prepare<[], { value: string }>(`SELECT value FROM meta WHERE key = 'server_id'`),
    };
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new Error(`the database was written by a newer Relay Chat (schema ${version}); upgrade the server`);
    }
    for (let step = version; step < SCHEMA_VERSION; step++) {
      this.db.transaction(() => {
        MIGRATIONS[step]!(this.db);
        this.db.pragma(`user_version = ${step + 1}`);
      }).immediate();
    }
    if (version > 0 && version < SECRETS_HASHED_FROM) {
      // The plain secrets the update replaced may linger in freed pages and the WAL: rewrite both.
      this.db.exec('VACUUM');
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    }
  }

  async claimName(name: string, session: string | undefined, newSession: () => string): Promise<ClaimResult> {
    const claim = this.db.transaction((): ClaimResult => {
      const existing = this.statements.userByKey.get(nameKey(name));
      if (!existing) {
        const fresh = newSession();
        const row = this.statements.insertUser.get(name, nameKey(name), secretHash(fresh), Date.now());
        if (!row) throw new Error('insert into users returned no row');
        return { status: 'created', user: toUserRecord(row), session: fresh };
      }
      if (session !== undefined && sameSecret(secretHash(session), existing.session_hash)) {
        return { status: 'verified', user: toUserRecord(existing), session };
      }
      return { status: 'taken' };
    });
    return claim.immediate();
  }

  append(message: NewMessage): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new Error('the store is closed'));
    return new Promise((resolve, reject) => {
      this.pending.push({ message, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits every queued append in one transaction, then settles them in order. */
  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    let results: AppendResult[];
    try {
      results = this.db.transaction(() => batch.map((item) => this.insert(item.message)))();
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    batch.forEach((item, index) => item.resolve(results[index]!));
  }

  private insert({ sender, clientId, text, to }: NewMessage): AppendResult {
    let recipient: UserRecord | undefined;
    if (to !== undefined) {
      const row = this.statements.userByKey.get(nameKey(to));
      if (!row) return { status: 'unknown_recipient' };
      recipient = toUserRecord(row);
    }
    const ts = Date.now();
    const inserted = this.statements.insertMessage.get({
      conversation: recipient ? privateConversation(sender.id, recipient.id) : GROUP,
      sender: sender.id,
      senderName: sender.name,
      recipient: recipient?.id ?? null,
      recipientName: recipient?.name ?? null,
      clientId,
      text,
      ts,
    });
    if (inserted) {
      const message: ChatMessage = { type: 'message', seq: inserted.seq, id: clientId, from: sender.name, text, ts };
      if (recipient) message.to = recipient.name;
      return { status: 'stored', message, duplicate: false, ...(recipient ? { recipient } : {}) };
    }
    const original = this.statements.messageByClientId.get(sender.id, clientId);
    if (!original) throw new Error('a conflicting message id has no stored message');
    return { status: 'stored', message: toChatMessage(original), duplicate: true };
  }

  async welcomeSnapshot(viewer: UserRecord, afterSeq: number | undefined, limit: number): Promise<WelcomeSnapshot> {
    const read = this.db.transaction((): WelcomeSnapshot => {
      const latestSeq = this.statements.latestSeq.get()?.seq ?? 0;
      if (afterSeq === undefined) {
        const rows = this.statements.latestVisible.all({ viewer: viewer.id, limit });
        return { messages: rows.reverse().map(toChatMessage), latestSeq, gap: false };
      }
      const rows = this.statements.visibleAfter.all({ viewer: viewer.id, after: afterSeq, limit: limit + 1 });
      const gap = rows.length > limit;
      return { messages: rows.slice(0, limit).reverse().map(toChatMessage), latestSeq, gap };
    });
    return read();
  }

  async history({ viewer, with: other, before, limit }: HistoryQuery): Promise<HistoryResult> {
    let conversation = GROUP;
    let otherName: string | undefined;
    if (other !== undefined) {
      const otherUser = this.statements.userByKey.get(nameKey(other));
      if (!otherUser) return { status: 'unknown_user' };
      conversation = privateConversation(viewer.id, otherUser.id);
      otherName = otherUser.name;
    }
    const rows = this.statements.conversationBefore.all({
      conversation,
      before: before ?? Number.MAX_SAFE_INTEGER,
      limit: limit + 1,
    });
    const more = rows.length > limit;
    const messages = rows.slice(0, limit).reverse().map(toChatMessage);
    return { status: 'ok', messages, more, ...(otherName !== undefined ? { with: otherName } : {}) };
  }

  async serverId(): Promise<string> {
    const row = this.statements.serverId.get();
    if (!row) throw new Error('the database has no server id');
    return row.value;
  }

  async releaseName(name: string): Promise<UserRecord | undefined> {
    const release = this.db.transaction((): UserRecord | undefined => {
      const user = this.statements.userByKey.get(nameKey(name));
      if (!user) return undefined;
      this.statements.deletePrivateMessages.run({ user: user.id });
      this.statements.deleteUser.run(user.id);
      return toUserRecord(user);
    });
    return release.immediate();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.db.close();
  }
}
