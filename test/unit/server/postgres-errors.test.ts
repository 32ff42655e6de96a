/** Which PostgreSQL failures a client should simply retry (UNAVAILABLE), and which are real errors; no server needed. */
import assert from 'node:assert/strict';
import { classify, connectionString, describePostgresUrl, isUnavailable } from '../../../server/store/postgres/postgres-pool';
import { StoreUnavailableError } from '../../../server/store/store-unavailable';

const withCode = (code: string, message = 'failed'): Error => Object.assign(new Error(message), { code });

describe('stores: PostgreSQL failures and URLs', () => {
  it('counts a missing, restarting or silent server as unavailable, and nothing else', () => {
    for (const error of [
      withCode('ECONNREFUSED'),
      withCode('ENOENT', 'connect ENOENT /run/postgresql/.s.PGSQL.5432'),
      withCode('08006'),
      withCode('57P01', 'terminating connection due to administrator command'),
      withCode('57P03', 'the database system is starting up'),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
      new Error('Query read timeout'),
    ]) {
      assert.equal(isUnavailable(error), true, error.message);
    }
    for (const error of [withCode('23505', 'duplicate key'), withCode('42601', 'syntax error'), new Error('the database has no #general'), 'text']) {
      assert.equal(isUnavailable(error), false, String(error));
    }
    assert.throws(() => classify(withCode('57P01')), StoreUnavailableError);
    assert.throws(() => classify(withCode('23505', 'duplicate key')), /duplicate key/);
  });

  it('folds --store-ca into the URL as sslrootcert with verify-full, keeping a mode the URL names, unix-socket URLs too', () => {
    assert.equal(connectionString('postgres://u@h/d', undefined), 'postgres://u@h/d');
    assert.equal(connectionString('postgres://u@h/d', '/ca.pem'), 'postgres://u@h/d?sslrootcert=%2Fca.pem&sslmode=verify-full');
    assert.equal(connectionString('postgres://u@h/d?sslmode=verify-ca', '/ca.pem'), 'postgres://u@h/d?sslmode=verify-ca&sslrootcert=%2Fca.pem');
    assert.equal(connectionString('postgres://u@/d?host=/run/postgresql', 'ca'), 'postgres://u@/d?host=/run/postgresql&sslrootcert=ca&sslmode=verify-full');
  });

  it('names the database for logs without the user or password', () => {
    assert.equal(describePostgresUrl('postgres://relay:s3cret@db.internal:5433/chat?sslmode=verify-full'), 'PostgreSQL db.internal:5433/chat');
    assert.equal(describePostgresUrl('postgresql://relay@/chat?host=%2Frun%2Fpostgresql'), 'PostgreSQL /run/postgresql/chat');
  });
});
