/** The command line's PostgreSQL options: --store / RELAY_CHAT_STORE, --store-ca, migrate and import. */
import assert from 'node:assert/strict';
import { parseCli, UsageError, type ServeCommand } from '../../../server/cli-args';

const URL = 'postgres://relay@db.internal/relay?sslmode=verify-full';

describe('server: command line for PostgreSQL', () => {
  it('keeps the default on SQLite: no store unless asked for', () => {
    assert.equal('store' in (parseCli([], {}) as ServeCommand), false);
  });

  it('takes --store and --store-ca, or their environment variables, the flags first', () => {
    assert.deepEqual((parseCli(['--store', URL, '--store-ca', 'ca.pem'], {}) as ServeCommand).store, { url: URL, caFile: 'ca.pem' });
    assert.deepEqual((parseCli([], { RELAY_CHAT_STORE: URL, RELAY_CHAT_STORE_CA: 'env.pem' }) as ServeCommand).store, { url: URL, caFile: 'env.pem' });
    assert.deepEqual((parseCli(['--store', 'postgresql://x@h/d'], { RELAY_CHAT_STORE: URL }) as ServeCommand).store, { url: 'postgresql://x@h/d' });
  });

  it('refuses a store that is not PostgreSQL, and --store-ca alone', () => {
    assert.throws(() => parseCli(['--store', 'mysql://h/d'], {}), (error: unknown) => error instanceof UsageError && /PostgreSQL URL/.test(error.message));
    assert.throws(() => parseCli(['--store-ca', 'ca.pem'], {}), /--store-ca goes with --store/);
  });

  it('parses migrate (on either store) and import, which needs --from-sqlite and --store', () => {
    assert.deepEqual(parseCli(['migrate', '--store', URL], {}), { command: 'migrate', dataDir: 'relay-chat-data', store: { url: URL } });
    assert.deepEqual(parseCli(['migrate', '--data', 'd'], {}), { command: 'migrate', dataDir: 'd' });
    assert.deepEqual(parseCli(['import', '--from-sqlite', 'old', '--store', URL], {}), { command: 'import', fromSqlite: 'old', store: { url: URL } });
    assert.throws(() => parseCli(['import', '--from-sqlite', 'old'], {}), /usage: relay-chat-server import --from-sqlite DIR --store URL/);
    assert.throws(() => parseCli(['import', '--store', URL], {}), /usage: relay-chat-server import/);
    assert.throws(() => parseCli(['migrate', 'now'], {}), /usage: relay-chat-server migrate/);
  });

  it('passes --store to the administration commands', () => {
    assert.deepEqual(parseCli(['user', 'list', '--store', URL], {}), { command: 'admin', plan: { kind: 'user-list' }, dataDir: 'relay-chat-data', store: { url: URL } });
  });
});
