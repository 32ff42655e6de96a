/** The embedded default: the message, identity and channel stores on one SQLite database. */
import { SqliteIdentityStore } from '../identity/sqlite-identity-store';
import { SqliteCheckpointer } from './sqlite-checkpointer';
import { openSqliteDatabase, type SqliteDatabaseOptions } from './sqlite-database';
import { SqliteChannelStore } from './sqlite-channel-store';
import { DEFAULT_GROUP_COMMIT, SqliteStore } from './sqlite-store';

export interface SqliteBackendOptions extends SqliteDatabaseOptions {
  /** The group commit window of message appends (GroupCommitOptions.windowMs); 0 commits each event-loop turn's appends. */
  commitWindowMs?: number;
  /**
   * Checkpoints the WAL from a worker thread, off the commit path (default true with a data
   * folder). A short command that opens the store and closes it again (user add) needs none:
   * SQLite's own checkpoint then does.
   */
  checkpointWorker?: boolean;
}

export interface SqliteBackend {
  store: SqliteStore;
  identity: SqliteIdentityStore;
  channels: SqliteChannelStore;
  /** Flushes the message store, then closes the database. */
  close(): Promise<void>;
}

export function openSqliteBackend(options: SqliteBackendOptions = {}): SqliteBackend {
  const db = openSqliteDatabase(options);
  // A database in memory has no WAL to checkpoint.
  const checkpointer = options.dataDir !== undefined && options.checkpointWorker !== false ? new SqliteCheckpointer(db) : undefined;
  const store = new SqliteStore(db, { ...DEFAULT_GROUP_COMMIT, ...(options.commitWindowMs !== undefined ? { windowMs: options.commitWindowMs } : {}) });
  return {
    store,
    identity: new SqliteIdentityStore(db),
    channels: new SqliteChannelStore(db),
    close: async () => {
      await store.close();
      await checkpointer?.stop();
      db.close();
    },
  };
}
