/**
 * The connection to PostgreSQL that the PostgreSQL stores share: a node-postgres Pool, the
 * transaction helper every multi-statement write goes through, and the line between "PostgreSQL
 * is unreachable, try again" (StoreUnavailableError) and every other failure.
 */
import pg from 'pg';
import { StoreUnavailableError } from '../store-unavailable';

export interface PostgresConnectOptions {
  /** postgres://… or postgresql://…; TLS through its sslmode (and sslrootcert), as libpq reads them. */
  url: string;
  /** A PEM file of the CA that signed the server's certificate; implies sslmode=verify-full unless the URL names a mode. */
  caFile?: string;
  /** Connections this node keeps at most. Default 10. */
  max?: number;
  /** Warned about: errors of idle connections (PostgreSQL restarted), which would otherwise end the process. */
  onIdleError?: (error: Error) => void;
}

/** The URL with --store-ca folded in as libpq's sslrootcert, so node-postgres reads every TLS setting from one place. */
export function connectionString(url: string, caFile: string | undefined): string {
  if (caFile === undefined) return url;
  // Not through URL: a unix-socket URL (postgres://user@/db?host=/run/postgresql) has no host, which it rejects.
  const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  const params = new URLSearchParams(query);
  const extra = new URLSearchParams();
  if (!params.has('sslrootcert')) extra.set('sslrootcert', caFile);
  if (!params.has('sslmode')) extra.set('sslmode', 'verify-full');
  const added = extra.toString();
  return added === '' ? url : `${url}${query === '' && !url.endsWith('?') ? '?' : '&'}${added}`;
}

/** Where the data is, for logs: host (or socket folder) and database, never the user or password. */
export function describePostgresUrl(url: string): string {
  const match = /^postgres(?:ql)?:\/\/(?:[^@/?]*@)?([^/?]*)(\/[^?]*)?(?:\?(.*))?$/i.exec(url);
  if (!match) return 'PostgreSQL';
  const host = match[1] || new URLSearchParams(match[3] ?? '').get('host') || 'localhost';
  return `PostgreSQL ${host}${match[2] ?? ''}`;
}

const INT8 = 20;
/** Every bigint column (ids, seq, millisecond times, counts) fits a double well past any chat's lifetime. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export function openPool(options: PostgresConnectOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: connectionString(options.url, options.caFile),
    max: options.max ?? 10,
    // A send while PostgreSQL is down fails within this, instead of waiting for the outage to end.
    connectionTimeoutMillis: 3000,
    // …and a PostgreSQL that accepted the connection but stopped answering fails a send within this.
    query_timeout: 15_000,
    types,
  });
  pool.on('error', (error) => options.onIdleError?.(error));
  return pool;
}

/** SQLSTATE classes and codes that mean the server is not there (now), not that the request was wrong. */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300']);
const UNAVAILABLE_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOENT', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (code.startsWith('08') || UNAVAILABLE_STATES.has(code) || UNAVAILABLE_ERRNOS.has(code))) return true;
  // node-postgres's own words for a connection that ended or never came.
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Query read timeout/i.test(error.message);
}

/** Rethrows what isUnavailable recognises as StoreUnavailableError, everything else as it is. */
export function classify(error: unknown): never {
  if (isUnavailable(error)) throw new StoreUnavailableError(`PostgreSQL is unavailable: ${(error as Error).message}`, { cause: error });
  throw error;
}

export type Queryable = Pick<pg.PoolClient, 'query'>;

/** One statement on any pooled connection. */
export async function query<Row extends pg.QueryResultRow>(pool: pg.Pool, text: string, values: unknown[] = []): Promise<Row[]> {
  try {
    return (await pool.query<Row>(text, values)).rows;
  } catch (error) {
    return classify(error);
  }
}

export interface TransactionOptions {
  /** 'repeatable read' for reads that must see one snapshot. Default read committed. */
  isolation?: 'read committed' | 'repeatable read';
  readOnly?: boolean;
}

/**
 * Runs `work` in one transaction on one connection: committed when it resolves, rolled back when
 * it throws or when it resolves with `rollback` (a request that changed its mind, e.g. a name taken).
 */
export async function transaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient, rollback: () => void) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    return classify(error);
  }
  let broken = false;
  // A connection that fails while checked out emits 'error'; unheard, that would end the process.
  const onError = (): void => {
    broken = true;
  };
  client.on('error', onError);
  try {
    await client.query(`BEGIN ISOLATION LEVEL ${options.isolation === 'repeatable read' ? 'REPEATABLE READ' : 'READ COMMITTED'}${options.readOnly ? ' READ ONLY' : ''}`);
    let rolledBack = false;
    const result = await work(client, () => (rolledBack = true));
    await client.query(rolledBack ? 'ROLLBACK' : 'COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => (broken = true));
    return classify(error);
  } finally {
    // A connection whose ROLLBACK failed is gone or confused: it must not go back into the pool.
    client.off('error', onError);
    client.release(broken);
  }
}
