/**
 * The embedded database: one SQLite file (better-sqlite3, WAL) that holds both the message store
 * and the identity store, and the migrations that bring a file from any older version up to
 * date in place.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { tokenHash } from '../identity/secrets';

export const DATABASE_FILE = 'relay-chat.sqlite3';

export interface SqliteDatabaseOptions {
  /** Folder of the database file; absent for a database that lives in memory only. */
  dataDir?: string;
  synchronous?: 'normal' | 'full';
}

/**
 * Each step takes the schema from its index to the next version, in one transaction; files
 * written by an older server are brought up to date in place, keeping their history.
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
    db.function('relay_token_hash', { deterministic: true }, (secret: unknown) => tokenHash(String(secret)));
    db.exec(`
      ALTER TABLE users RENAME COLUMN session TO session_hash;
      UPDATE users SET session_hash = relay_token_hash(session_hash);
    `);
  },
  // Identity: a user may be signed in on several devices, each with its own token; the v1 session
  // of a name becomes its first device. Passwords and the admin role come with accounts.
  (db) =>
    db.exec(`
      CREATE TABLE devices (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        token_hash TEXT NOT NULL UNIQUE,
        label TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL
      );
      CREATE INDEX devices_by_user ON devices (user_id);
      INSERT INTO devices (user_id, token_hash, label, created_at, last_seen_at)
        SELECT id, session_hash, 'first device', created_at, created_at FROM users;
      ALTER TABLE users DROP COLUMN session_hash;
      ALTER TABLE users ADD COLUMN password_hash TEXT;
      ALTER TABLE users ADD COLUMN admin INTEGER NOT NULL DEFAULT 0;
    `),
  // Invites, for servers where registration needs one: codes kept as hashes, with uses and an expiry.
  (db) =>
    db.exec(`
      CREATE TABLE invites (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        code_hash TEXT NOT NULL UNIQUE,
        uses_left INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL
      );
    `),
  // An administrator may disable an account: it keeps its name, devices and history, and signs in
  // again once enabled.
  (db) => db.exec('ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0'),
  // Channels: the group becomes #general (its history moves there, every account is a member),
  // each message knows its channel and who it mentions, and read positions and mentions are rows
  // so unread and mention counts are index range counts, not scans of texts.
  (db) => {
    db.exec(`
      CREATE TABLE channels (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL UNIQUE,
        topic TEXT NOT NULL DEFAULT '',
        private INTEGER NOT NULL DEFAULT 0,
        created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
        created_at INTEGER NOT NULL,
        archived INTEGER NOT NULL DEFAULT 0
      );
      CREATE TABLE channel_members (
        channel_id INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
        user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        PRIMARY KEY (channel_id, user_id)
      ) WITHOUT ROWID;
      CREATE INDEX channel_members_by_user ON channel_members (user_id, channel_id);
      CREATE TABLE read_positions (
        user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        conversation TEXT NOT NULL,
        seq INTEGER NOT NULL,
        PRIMARY KEY (user_id, conversation)
      ) WITHOUT ROWID;
      CREATE TABLE mentions (
        user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        conversation TEXT NOT NULL,
        seq INTEGER NOT NULL,
        PRIMARY KEY (user_id, conversation, seq)
      ) WITHOUT ROWID;
      ALTER TABLE messages ADD COLUMN channel_id INTEGER REFERENCES channels (id);
      ALTER TABLE messages ADD COLUMN mentions TEXT;
    `);
    db.prepare(`INSERT INTO channels (name, topic, private, created_at) VALUES ('general', '', 0, ?)`).run(Date.now());
    // The id is read in SQL: bound from JavaScript it would be a REAL, and 'c:' || 1.0 is not 'c:1'.
    db.exec(`
      UPDATE messages SET channel_id = (SELECT id FROM channels WHERE name = 'general') WHERE conversation = 'group';
      UPDATE messages SET conversation = 'c:' || channel_id WHERE conversation = 'group';
      INSERT INTO channel_members (channel_id, user_id) SELECT c.id, u.id FROM channels c, users u WHERE c.name = 'general';
    `);
    // What was said before read positions existed counts as read: nobody comes back to years of unread.
    db.exec(`
      CREATE TEMP TABLE latest AS SELECT conversation, MAX(seq) AS seq FROM messages GROUP BY conversation;
      INSERT INTO read_positions (user_id, conversation, seq)
        SELECT u.id, l.conversation, l.seq FROM users u, latest l WHERE l.conversation LIKE 'c:%';
      INSERT OR IGNORE INTO read_positions (user_id, conversation, seq)
        SELECT s.side, s.conversation, l.seq FROM latest l JOIN (
          SELECT sender_id AS side, conversation FROM messages WHERE channel_id IS NULL
          UNION SELECT recipient_id, conversation FROM messages WHERE channel_id IS NULL
        ) s ON s.conversation = l.conversation;
      DROP TABLE latest;
    `);
    // Every account is a member of #general from the moment it exists, however it was made, and
    // has read what was said there before it existed (it can still scroll back to it).
    db.exec(`
      CREATE TRIGGER users_join_general AFTER INSERT ON users BEGIN
        INSERT INTO channel_members (channel_id, user_id) SELECT id, NEW.id FROM channels WHERE name = 'general';
        INSERT OR IGNORE INTO read_positions (user_id, conversation, seq)
          SELECT NEW.id, 'c:' || c.id, COALESCE((SELECT MAX(m.seq) FROM messages m WHERE m.conversation = 'c:' || c.id), 0)
          FROM channels c WHERE c.name = 'general';
      END;
    `);
  },
  // Code anchors and diffs: a message's attachments, as the JSON they came in (schema-checked),
  // NULL for the messages that have none, which is every message written before.
  (db) => db.exec('ALTER TABLE messages ADD COLUMN attachments TEXT'),
];
export const SCHEMA_VERSION = MIGRATIONS.length;
/** The first schema that holds no secret in plain text. */
const SECRETS_HASHED_FROM = 3;

export function openSqliteDatabase(options: SqliteDatabaseOptions = {}): Database.Database {
  let file = ':memory:';
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    file = path.join(options.dataDir, DATABASE_FILE);
  }
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    db.pragma('foreign_keys = ON');
    // The command line may write while a server runs; wait for its lock instead of failing.
    db.pragma('busy_timeout = 5000');
    migrate(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new Error(`the database was written by a newer Relay Chat (schema ${version}); upgrade the server`);
  }
  for (let step = version; step < SCHEMA_VERSION; step++) {
    db.transaction(() => {
      MIGRATIONS[step]!(db);
      db.pragma(`user_version = ${step + 1}`);
    }).immediate();
  }
  if (version > 0 && version < SECRETS_HASHED_FROM) {
    // The plain secrets the update replaced may linger in freed pages and the WAL: rewrite both.
    db.exec('VACUUM');
    db.pragma('wal_checkpoint(TRUNCATE)');
  }
}
