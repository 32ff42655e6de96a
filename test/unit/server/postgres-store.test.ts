/**
 * What only the PostgreSQL store promises, or what only it can get wrong: seqs gap-free in commit
 * order across nodes, migrations safe from several nodes at once, attachments kept, and a clear,
 * retryable error while PostgreSQL is down.
 */
import assert from 'node:assert/strict';
import pg from 'pg';
import type { Account } from '../../../server/identity/identity-store';
import type { StoredConversation } from '../../../server/store/message-store';
import { openPostgresBackend, type PostgresBackend } from '../../../server/store/postgres/postgres-backend';
import { openPool } from '../../../server/store/postgres/postgres-pool';
import { migratePostgres, POSTGRES_SCHEMA_VERSION } from '../../../server/store/postgres/postgres-schema';
import { StoreUnavailableError } from '../../../server/store/store-unavailable';
import { usePostgres } from '../../support/postgres';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('stores: PostgreSQL', () => {
  const postgres = usePostgres('the PostgreSQL store tests');
  const open: PostgresBackend[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((backend) => backend.close()));
  });
  async function node(url: string, beforeCommit?: () => Promise<void>): Promise<PostgresBackend> {
    const backend = await openPostgresBackend({ url, ...(beforeCommit ? { beforeCommit } : {}) });
    open.push(backend);
    return backend;
  }

  it('hands out seqs gap-free in commit order across nodes: a reader polling during many concurrent writers never sees N+1 without N', async function () {
    this.timeout(60_000);
    const url = await postgres().createDatabase();
    // Three nodes, each holding its transaction open for a random while before COMMIT: with seqs
    // taken from a sequence, a later seq would often commit (and be seen) before an earlier one.
    const nodes: PostgresBackend[] = [];
    for (let i = 0; i < 3; i++) nodes.push(await node(url, () => sleep(Math.random() * 12)));
    const senders: Account[] = [];
    for (let i = 0; i < 12; i++) senders.push((await nodes[0]!.identity.createAccount(`writer${i}`, 'h', false)) as Account);
    const general: StoredConversation = { kind: 'channel', channel: await nodes[0]!.channels.general() };

    const reader = new pg.Client({ connectionString: url });
    await reader.connect();
    let seen = 0;
    const skips: string[] = [];
    const readNew = async (): Promise<void> => {
      const rows = (await reader.query<{ seq: string }>('SELECT seq FROM messages WHERE seq > $1 ORDER BY seq', [seen])).rows;
      for (const row of rows) {
        const seq = Number(row.seq);
        if (seq !== seen + 1) skips.push(`saw ${seq} after ${seen}`);
        seen = seq;
      }
    };
    let writing = true;
    const poll = (async () => {
      while (writing) await readNew();
      await readNew();
    })();
    const perSender = 30;
    await Promise.all(
      senders.map(async (sender, index) => {
        const store = nodes[index % nodes.length]!.store;
        for (let i = 0; i < perSender; i++) await store.append({ sender, clientId: `m${i}`, text: `${sender.name} ${i}`, conversation: general });
      }),
    );
    writing = false;
    await poll;
    await reader.end();
    assert.deepEqual(skips, [], 'the reader never skipped a seq');
    assert.equal(seen, senders.length * perSender);
    const snapshot = await nodes[0]!.store.welcomeSnapshot(senders[0]!, 'all', undefined, 1000);
    assert.deepEqual(snapshot.messages.map((m) => m.seq), Array.from({ length: 360 }, (_, i) => i + 1));
    assert.equal(snapshot.latestSeq, 360);
  });

  it('uses no seq for a duplicate, within one group or across nodes, so seqs stay gap-free', async () => {
    const url = await postgres().createDatabase();
    const [a, b] = [await node(url), await node(url)];
    const ana = (await a.identity.createAccount('ana', 'h', false)) as Account;
    const general: StoredConversation = { kind: 'channel', channel: await a.channels.general() };
    const results = await Promise.all([
      a.store.append({ sender: ana, clientId: 'x', text: 'x', conversation: general }),
      a.store.append({ sender: ana, clientId: 'x', text: 'x', conversation: general }),
      b.store.append({ sender: ana, clientId: 'x', text: 'x', conversation: general }),
    ]);
    assert.deepEqual(results.map((r) => r.message.seq), [1, 1, 1]);
    assert.equal(results.filter((r) => !r.duplicate).length, 1, 'stored once');
    assert.equal((await b.store.append({ sender: ana, clientId: 'y', text: 'y', conversation: general })).message.seq, 2);
  });

  it('migrates from three clients at once: one applies the schema, the others find it done', async () => {
    const url = await postgres().createDatabase();
    const pools = [0, 1, 2].map(() => openPool({ url }));
    try {
      const results = await Promise.all(pools.map((pool) => migratePostgres(pool)));
      assert.deepEqual(results.map((r) => r.from).sort(), [0, POSTGRES_SCHEMA_VERSION, POSTGRES_SCHEMA_VERSION]);
      const counts = await pools[0]!.query<{ general: number; ids: number; versions: number }>(
        `SELECT (SELECT COUNT(*) FROM channels WHERE name = 'general') AS general, (SELECT COUNT(*) FROM meta WHERE key = 'server_id') AS ids,
                (SELECT COUNT(*) FROM relay_schema) AS versions`,
      );
      assert.deepEqual(counts.rows[0], { general: 1, ids: 1, versions: 1 });
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
  });

  it('refuses a database written by a newer schema', async () => {
    const url = await postgres().createDatabase();
    const pool = openPool({ url });
    try {
      await migratePostgres(pool);
      await pool.query('UPDATE relay_schema SET version = version + 1');
      await assert.rejects(migratePostgres(pool), /written by a newer Relay Chat/);
    } finally {
      await pool.end();
    }
  });

  it('keeps attachments as they came', async () => {
    const backend = await node(await postgres().createDatabase());
    const ana = (await backend.identity.createAccount('ana', 'h', false)) as Account;
    const attachments = [{ kind: 'code', path: 'src/a.ts', startLine: 3, endLine: 4, text: 'let a = 1;\nlet b = 2;' }] as never;
    const general: StoredConversation = { kind: 'channel', channel: await backend.channels.general() };
    const stored = await backend.store.append({ sender: ana, clientId: 'a1', text: 'see', conversation: general, attachments });
    assert.deepEqual(stored.message.attachments, attachments);
    const read = await backend.store.history({ viewer: ana, conversation: general, limit: 5 });
    assert.deepEqual(read.messages, [stored.message]);
  });

  it('while PostgreSQL is down, rejects appends with StoreUnavailableError (retryable); once it is back, appends work again', async function () {
    this.timeout(30_000);
    const backend = await node(await postgres().createDatabase());
    const ana = (await backend.identity.createAccount('ana', 'h', false)) as Account;
    const general: StoredConversation = { kind: 'channel', channel: await backend.channels.general() };
    assert.equal((await backend.store.append({ sender: ana, clientId: 'before', text: 'x', conversation: general })).message.seq, 1);
    postgres().stopSync();
    try {
      const failed = await backend.store.append({ sender: ana, clientId: 'during', text: 'x', conversation: general }).catch((error: unknown) => error);
      assert.ok(failed instanceof StoreUnavailableError, `got ${String(failed)}`);
      assert.ok(failed.retryAfterMs > 0);
      await assert.rejects(backend.store.history({ viewer: ana, conversation: general, limit: 5 }), StoreUnavailableError);
    } finally {
      postgres().startSync();
    }
    const after = await backend.store.append({ sender: ana, clientId: 'during', text: 'x', conversation: general });
    assert.deepEqual([after.message.seq, after.duplicate], [2, false], 'nothing of the failed append was kept; the resend is stored');
  });
});
