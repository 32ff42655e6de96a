import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { openSqliteBackend, type SqliteBackend } from '../../../server/store/sqlite-backend';
import type { NewMessage, UserRecord } from '../../../server/store/message-store';
import { tempDir } from '../../support/server';
import { TestClient } from '../../support/ws-test-client';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function twoUsers(backend: SqliteBackend): Promise<[UserRecord, UserRecord]> {
  const users: UserRecord[] = [];
  for (const name of ['alice', 'bob']) {
    const registered = await backend.identity.register(name, undefined, 'test');
    assert.ok(typeof registered === 'object' && 'account' in registered);
    users.push({ id: registered.account.id, name: registered.account.name });
  }
  return [users[0]!, users[1]!];
}

function direct(sender: UserRecord, to: UserRecord, clientId: string): NewMessage {
  return { sender, clientId, text: clientId, conversation: { kind: 'direct', with: to } };
}

describe('server: SQLite group commit', () => {
  it('stores a window of appends in call order, and a failing one rejects alone', async () => {
    const backend = openSqliteBackend({ commitWindowMs: 60_000 });
    try {
      const [alice, bob] = await twoUsers(backend);
      // A mention of an account that does not exist breaks the mentions table's foreign key.
      const bad: NewMessage = { ...direct(alice, bob, 'bad'), mentions: ['ghost'], mentioned: [424242] };
      const appends = ['m1', 'm2', 'bad', 'm3', 'm4'].map((id) => backend.store.append(id === 'bad' ? bad : direct(id === 'm2' ? bob : alice, id === 'm2' ? alice : bob, id)));
      const outcomes = await Promise.allSettled(appends);
      assert.deepEqual(
        outcomes.map((outcome) => outcome.status),
        ['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled'],
      );
      const seqs = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value.message.seq] : []));
      assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'seqs follow the order of the calls');
      const history = await backend.store.history({ viewer: alice, conversation: { kind: 'direct', with: bob }, limit: 10 });
      assert.deepEqual(history.messages.map((message) => message.id), ['m1', 'm2', 'm3', 'm4']);
      assert.deepEqual(history.messages.map((message) => message.seq), seqs);
    } finally {
      await backend.close();
    }
  });

  it('with a window, an append soon after a commit waits for it; with 0 it commits at the end of its turn', async () => {
    for (const commitWindowMs of [60_000, 0]) {
      const backend = openSqliteBackend({ commitWindowMs });
      const [alice, bob] = await twoUsers(backend);
      await backend.store.append(direct(alice, bob, 'first'));
      let committed = false;
      const second = backend.store.append(direct(alice, bob, 'second')).then(() => (committed = true));
      for (let i = 0; i < 5; i++) await turn();
      assert.equal(committed, commitWindowMs === 0, `window ${commitWindowMs}`);
      await backend.close(); // flushes what waits
      await second;
      assert.equal(committed, true);
    }
  });

  it('checkpoints the WAL off the commit path: automatic checkpoints are off and a reopened file has everything', async () => {
    const data = tempDir();
    try {
      let backend = openSqliteBackend({ dataDir: data.path });
      const [alice, bob] = await twoUsers(backend);
      const db = (backend.store as unknown as { db: { pragma(sql: string, options: { simple: true }): unknown } }).db;
      assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), 0);
      for (let i = 0; i < 200; i++) await backend.store.append(direct(alice, bob, `w${i}`));
      await backend.close();
      backend = openSqliteBackend({ dataDir: data.path });
      const history = await backend.store.history({ viewer: alice, conversation: { kind: 'direct', with: bob }, limit: 500 });
      assert.equal(history.messages.length, 200);
      await backend.close();
    } finally {
      data.remove();
    }
  });

  it('acks only what is committed: after SIGKILL right after the acks, every acked message is stored with its acked seq, in send order', async function () {
    this.timeout(30_000);
    const data = tempDir();
    let child: ChildProcess | undefined;
    try {
      // A long window makes large batches, so the acks of one batch arrive together just before the kill.
      child = spawn(process.execPath, [path.resolve('dist/server/cli.js'), '--port', '0', '--data', data.path, '--commit-window-ms', '20', '--rate-burst', '1000'], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const url = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child!.stdout! }).on('line', (line) => {
          const found = /ws:\/\/\S+/.exec(line)?.[0];
          if (found) resolve(found);
        });
        child!.once('exit', (code) => reject(new Error(`server exited with ${code} before listening`)));
      });
      const alice = await TestClient.join(url, 'alice');
      const bob = await TestClient.join(url, 'bob');
      const acked: Array<{ id: string; seq: number }> = [];
      for (const client of [alice, bob]) {
        client.ws.on('message', (raw: Buffer) => {
          const frame = JSON.parse(raw.toString());
          if (frame.type === 'ack') acked.push({ id: frame.id, seq: frame.seq });
        });
      }
      const count = 200;
      for (let i = 0; i < count; i++) {
        alice.send({ type: 'say', id: `a${i}`, text: `a${i}`, to: 'bob' });
        bob.send({ type: 'say', id: `b${i}`, text: `b${i}`, ...(i % 2 ? { to: 'alice' } : {}) });
      }
      await alice.next('ack', (ack) => ack.id === `a${count - 1}`);
      const gone = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGKILL');
      await gone;
      child = undefined;

      const backend = openSqliteBackend({ dataDir: data.path });
      try {
        const viewer = { id: 1, name: 'alice' };
        const stored = (await backend.store.welcomeSnapshot(viewer, 'all', 0, 10_000)).messages;
        const seqOf = new Map(stored.map((message) => [message.id, message.seq]));
        for (const { id, seq } of acked) assert.equal(seqOf.get(id), seq, `${id} was acked with seq ${seq}`);
        const aliceSeqs = stored.filter((message) => message.from === 'alice').map((message) => message.id);
        assert.deepEqual(aliceSeqs, Array.from({ length: count }, (_, i) => `a${i}`), "alice's messages are stored in the order she sent them");
      } finally {
        await backend.close();
      }
    } finally {
      child?.kill('SIGKILL');
      data.remove();
    }
  });
});
