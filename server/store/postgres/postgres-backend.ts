/** The message, identity and channel stores on one PostgreSQL database, for one or several nodes. */
import type pg from 'pg';
import { PostgresIdentityStore } from '../../identity/postgres-identity-store';
import type { Storage } from '../../options';
import { PostgresChannelStore } from './postgres-channel-store';
import { PostgresMessageStore, type PostgresMessageStoreOptions } from './postgres-message-store';
import { openPool, type PostgresConnectOptions } from './postgres-pool';
import { migratePostgres } from './postgres-schema';

export interface PostgresBackend extends Storage {
  store: PostgresMessageStore;
  identity: PostgresIdentityStore;
  channels: PostgresChannelStore;
  pool: pg.Pool;
}

export type PostgresBackendOptions = PostgresConnectOptions & PostgresMessageStoreOptions;

/**
 * Connects and brings the schema up to date (under the migration lock, so nodes starting together
 * are safe); rejects, leaving nothing open, when PostgreSQL cannot be reached.
 */
export async function openPostgresBackend(options: PostgresBackendOptions): Promise<PostgresBackend> {
  const pool = openPool(options);
  try {
    await migratePostgres(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }
  const store = new PostgresMessageStore(pool, options);
  return {
    store,
    identity: new PostgresIdentityStore(pool),
    channels: new PostgresChannelStore(pool),
    pool,
    close: async () => {
      await store.close();
      await pool.end();
    },
  };
}
