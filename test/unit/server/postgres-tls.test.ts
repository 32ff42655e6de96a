/** The connection to PostgreSQL over TLS: --store-ca verifies the server's certificate, and a wrong CA is refused. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openPostgresBackend } from '../../../server/store/postgres/postgres-backend';
import { openPool } from '../../../server/store/postgres/postgres-pool';
import { makeTestCa } from '../../support/certificates';
import { usePostgres } from '../../support/postgres';

describe('stores: PostgreSQL over TLS', function () {
  this.timeout(30_000);
  const postgres = usePostgres('the PostgreSQL TLS tests', { tls: true });

  it('connects with the CA given as --store-ca (verify-full), and the session is encrypted', async () => {
    const { url, caFile } = postgres().tlsUrl(await postgres().createDatabaseNamed());
    const backend = await openPostgresBackend({ url, caFile });
    try {
      const rows = (await backend.pool.query<{ ssl: boolean }>('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()')).rows;
      assert.deepEqual(rows, [{ ssl: true }]);
      assert.match(await backend.identity.serverId(), /^[\w-]+$/);
    } finally {
      await backend.close();
    }
  });

  it('refuses a server whose certificate another CA signed, and one asked for by a name the certificate is not for', async () => {
    const { url } = postgres().tlsUrl(await postgres().createDatabaseNamed());
    const other = mkdtempSync(path.join(os.tmpdir(), 'relay-chat-other-ca-'));
    try {
      const stranger = makeTestCa(other);
      await assert.rejects(openPostgresBackend({ url, caFile: stranger.caFile }), /self[- ]signed|unable to verify|certificate/i);
      // The certificate is for localhost: the same server asked for as 127.0.0.1 is refused.
      const { caFile } = postgres().tlsUrl('postgres');
      const pool = openPool({ url: url.replace('localhost', '127.0.0.1'), caFile });
      await assert.rejects(pool.query('SELECT 1'), /IP: 127\.0\.0\.1 is not in the cert's list/);
      await pool.end();
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
