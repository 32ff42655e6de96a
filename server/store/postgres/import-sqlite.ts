/**
 * `relay-chat-server import --from-sqlite DIR`: moves a single-node installation onto PostgreSQL
 * in one transaction: accounts (password hashes), devices (token hashes), invites (code hashes),
 * channels, members, read positions, mentions and history, keeping every id and seq, and the
 * installation's server id, so clients resume where they were and their tokens keep working.
 * It refuses a target that holds anything already.
 */
import type Database from 'better-sqlite3';
import type pg from 'pg';
import { transaction } from './postgres-pool';

export class ImportRefusal extends Error {}

/** [column, PostgreSQL type]: booleans come from SQLite's 0/1, jsonb from its JSON text. */
type Columns = ReadonlyArray<readonly [string, 'bigint' | 'integer' | 'text' | 'boolean' | 'jsonb']>;

const TABLES: ReadonlyArray<{ table: string; columns: Columns; order: string }> = [
  {
    table: 'users',
    columns: [['id', 'bigint'], ['name', 'text'], ['key', 'text'], ['password_hash', 'text'], ['admin', 'boolean'], ['disabled', 'boolean'], ['created_at', 'bigint']],
    order: 'id',
  },
  {
    table: 'devices',
    columns: [['id', 'bigint'], ['user_id', 'bigint'], ['token_hash', 'text'], ['label', 'text'], ['created_at', 'bigint'], ['last_seen_at', 'bigint']],
    order: 'id',
  },
  { table: 'invites', columns: [['id', 'bigint'], ['code_hash', 'text'], ['uses_left', 'integer'], ['expires_at', 'bigint'], ['created_at', 'bigint']], order: 'id' },
  {
    table: 'channels',
    columns: [['id', 'bigint'], ['name', 'text'], ['topic', 'text'], ['private', 'boolean'], ['created_by', 'bigint'], ['created_at', 'bigint'], ['archived', 'boolean']],
    order: 'id',
  },
  { table: 'channel_members', columns: [['channel_id', 'bigint'], ['user_id', 'bigint']], order: 'channel_id, user_id' },
  { table: 'read_positions', columns: [['user_id', 'bigint'], ['conversation', 'text'], ['seq', 'bigint']], order: 'user_id, conversation' },
  { table: 'mentions', columns: [['user_id', 'bigint'], ['conversation', 'text'], ['seq', 'bigint']], order: 'user_id, conversation, seq' },
  {
    table: 'messages',
    columns: [
      ['seq', 'bigint'], ['conversation', 'text'], ['channel_id', 'bigint'], ['sender_id', 'bigint'], ['sender_name', 'text'], ['recipient_id', 'bigint'],
      ['recipient_name', 'text'], ['client_id', 'text'], ['text', 'text'], ['ts', 'bigint'], ['mentions', 'jsonb'], ['attachments', 'jsonb'],
    ],
    order: 'seq',
  },
];

/** Tables whose ids come from an identity column: it must go on after the highest id SQLite ever gave. */
const IDENTITY_TABLES = ['users', 'devices', 'invites', 'channels'];

/** Rows per INSERT: each column is one array parameter, so this bounds the statement, not the parameter count. */
const CHUNK = 2000;

export type ImportCounts = Record<string, number>;

export async function importFromSqlite(source: Database.Database, pool: pg.Pool): Promise<ImportCounts> {
  return transaction(pool, async (client) => {
    // No node may write while the target is checked and filled.
    await client.query('LOCK TABLE users, devices, invites, channels, channel_members, read_positions, mentions, messages, relay_counter IN EXCLUSIVE MODE');
    const held = (
      await client.query<{ rows: number }>(
        `SELECT (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM invites) + (SELECT COUNT(*) FROM messages)
              + (SELECT COUNT(*) FROM channels WHERE name <> 'general') AS rows`,
      )
    ).rows[0]!.rows;
    if (held > 0) throw new ImportRefusal('the PostgreSQL database is not empty (it has accounts, invites, channels or messages); import only into a fresh one');
    // The fresh schema's own #general makes way for the one that has the history.
    await client.query('DELETE FROM channels');

    const counts: ImportCounts = {};
    for (const { table, columns, order } of TABLES) {
      const present = new Set(source.prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${table}')`).all().map((row) => row.name));
      // A column the file does not have yet (attachments before its migration) is copied as NULL.
      const select = columns.map(([name]) => (present.has(name) ? name : `NULL AS ${name}`)).join(', ');
      const rows = source.prepare<[], Record<string, unknown>>(`SELECT ${select} FROM ${table} ORDER BY ${order}`).all();
      for (let start = 0; start < rows.length; start += CHUNK) await insertRows(client, table, columns, rows.slice(start, start + CHUNK));
      counts[table] = rows.length;
    }

    const sequences = new Map(
      source.prepare<[], { name: string; seq: number }>('SELECT name, seq FROM sqlite_sequence').all().map((row) => [row.name, row.seq]),
    );
    for (const table of IDENTITY_TABLES) {
      await client.query(
        `SELECT setval(pg_get_serial_sequence($1, 'id'), GREATEST($2::bigint, (SELECT COALESCE(MAX(id), 0) FROM ${table}), 1),
                GREATEST($2::bigint, (SELECT COALESCE(MAX(id), 0) FROM ${table})) > 0)`,
        [table, sequences.get(table) ?? 0],
      );
    }
    // The latest seq SQLite handed out, even of a message deleted since: seqs only ever go up.
    await client.query('UPDATE relay_counter SET seq = GREATEST($1::bigint, (SELECT COALESCE(MAX(seq), 0) FROM messages))', [sequences.get('messages') ?? 0]);
    const serverId = source.prepare<[], { value: string }>(`SELECT value FROM meta WHERE key = 'server_id'`).get();
    if (serverId) await client.query(`UPDATE meta SET value = $1 WHERE key = 'server_id'`, [serverId.value]);
    return counts;
  });
}

async function insertRows(client: pg.PoolClient, table: string, columns: Columns, rows: Array<Record<string, unknown>>): Promise<void> {
  const values = columns.map(([name, type]) =>
    rows.map((row) => {
      const value = row[name] ?? null;
      return type === 'boolean' && value !== null ? value === 1 : value;
    }),
  );
  const arrays = columns.map(([, type], index) => `$${index + 1}::${type === 'jsonb' ? 'text' : type}[]`).join(', ');
  const names = columns.map(([name]) => name);
  const picked = columns.map(([name, type]) => (type === 'jsonb' ? `t.${name}::jsonb` : `t.${name}`)).join(', ');
  await client.query(`INSERT INTO ${table} (${names.join(', ')}) SELECT ${picked} FROM unnest(${arrays}) AS t(${names.join(', ')})`, values);
}
