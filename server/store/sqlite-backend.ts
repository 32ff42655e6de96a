/** The embedded default: the message, identity and channel stores on one SQLite database. */
import { SqliteIdentityStore } from '../identity/sqlite-identity-store';
import { openSqliteDatabase, type SqliteDatabaseOptions } from './sqlite-database';
import { SqliteChannelStore } from './sqlite-channel-store';
import { SqliteStore } from './sqlite-store';

export interface SqliteBackend {
  store: SqliteStore;
  identity: SqliteIdentityStore;
  channels: SqliteChannelStore;
  /** Flushes the message store, then closes the database. */
  close(): Promise<void>;
}

export function openSqliteBackend(options: SqliteDatabaseOptions = {}): SqliteBackend {
  const db = openSqliteDatabase(options);
  const store = new SqliteStore(db);
  return {
    store,
    identity: new SqliteIdentityStore(db),
    channels: new SqliteChannelStore(db),
    close: async () => {
      await store.close();
      db.close();
    },
  };
}
