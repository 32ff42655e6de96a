import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DATABASE_FILE, openSqliteBackend, startRelayServer, type RelayServer } from '../../../server';
import { SCHEMA_VERSION } from '../../../server/store/sqlite-database';
import { tempDir } from '../../support/server';
import { TestClient } from '../../support/ws-test-client';

/** A data folder as the first release wrote it: schema 1, session secrets in plain text. */
function writeFirstReleaseStore(dataDir: string): void {
  const db = new Database(path.join(dataDir, DATABASE_FILE));
  db.pragma('journal_mode = WAL');
  db.exec(`
    CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, key TEXT NOT NULL UNIQUE,
      session TEXT NOT NULL, created_at INTEGER NOT NULL);
    CREATE TABLE messages (seq INTEGER PRIMARY KEY AUTOINCREMENT, conversation TEXT NOT NULL, sender_id INTEGER NOT NULL,
      sender_name TEXT NOT NULL, recipient_id INTEGER, recipient_name TEXT, client_id TEXT NOT NULL, text TEXT NOT NULL,
      ts INTEGER NOT NULL, UNIQUE (sender_id, client_id));
    CREATE INDEX messages_by_conversation ON messages (conversation, seq);
    CREATE INDEX messages_by_recipient ON messages (recipient_id, seq) WHERE recipient_id IS NOT NULL;
    INSERT INTO users (name, key, session, created_at) VALUES ('Alice', 'alice', 'alice-plain-secret-0123456789', 1), ('bob', 'bob', 'bob-plain-secret-0123456789', 2);
    INSERT INTO messages (conversation, sender_id, sender_name, client_id, text, ts) VALUES ('group', 1, 'Alice', 'm1', 'hello from the first release', 3);
    INSERT INTO messages (conversation, sender_id, sender_name, recipient_id, recipient_name, client_id, text, ts)
      VALUES ('p:1:2', 1, 'Alice', 2, 'bob', 'm2', 'a private word', 4);
    PRAGMA user_version = 1;
  `);
  db.close();
}

function filesContain(dataDir: string, needle: string): string[] {
  return readdirSync(dataDir).filter((file) => readFileSync(path.join(dataDir, file)).includes(needle));
}

describe('server: data files from older versions', () => {
  let server: RelayServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('migrates a first-release store in place: history kept, sessions still work, no secret left in plain text', async () => {
    const data = tempDir();
    try {
      writeFirstReleaseStore(data.path);
      server = await startRelayServer({ host: '127.0.0.1', port: 0, dataDir: data.path });
      const alice = await TestClient.join(server.url, 'alice', { session: 'alice-plain-secret-0123456789' });
      assert.equal(alice.welcome.name, 'Alice');
      assert.equal(alice.welcome.session, 'alice-plain-secret-0123456789', 'the session its owner holds keeps working');
      assert.deepEqual(alice.welcome.messages.map((m) => m.text), ['hello from the first release', 'a private word']);
      const thief = await TestClient.connect(server.url);
      thief.send({ type: 'hello', name: 'bob', session: 'wrong' });
      assert.equal((await thief.next('error')).code, 'NAME_TAKEN');
      await server.close();
      server = undefined;
      for (const secret of ['alice-plain-secret-0123456789', 'bob-plain-secret-0123456789']) {
        assert.deepEqual(filesContain(data.path, secret), [], `${secret} is nowhere in the data folder`);
      }
    } finally {
      data.remove();
    }
  });

  it('adds the disabled state in place: every existing account starts enabled, and a disabled one stays disabled', async () => {
    const data = tempDir();
    try {
      writeFirstReleaseStore(data.path);
      let storage = openSqliteBackend({ dataDir: data.path });
      assert.deepEqual((await storage.identity.accounts()).map((a) => [a.name, a.disabled]), [['Alice', false], ['bob', false]]);
      assert.equal((await storage.identity.setDisabled('BOB', true))?.disabled, true);
      await storage.close();
      const db = new Database(path.join(data.path, DATABASE_FILE), { readonly: true });
      assert.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
      assert.deepEqual(db.prepare('SELECT name, disabled FROM users ORDER BY id').all(), [{ name: 'Alice', disabled: 0 }, { name: 'bob', disabled: 1 }]);
      db.close();
      storage = openSqliteBackend({ dataDir: data.path });
      assert.equal((await storage.identity.accountByName('bob'))?.disabled, true, 'kept across a restart');
      assert.equal(await storage.identity.setDisabled('nobody', true), undefined);
      await storage.close();
    } finally {
      data.remove();
    }
  });

  it('moves the group history to #general in place, with every account a member, private history kept private, and old sessions working', async () => {
    const data = tempDir();
    try {
      writeFirstReleaseStore(data.path);
      server = await startRelayServer({ host: '127.0.0.1', port: 0, dataDir: data.path });
      const alice = await TestClient.join(server.url, 'alice', { session: 'alice-plain-secret-0123456789', protocol: 2 });
      const generalSeq = alice.welcome.messages[0]!.seq;
      assert.deepEqual(alice.welcome.channels, [{ name: 'general', topic: '', private: false, members: 2, unread: 0, mentions: 0, lastRead: generalSeq }]);
      assert.deepEqual(
        alice.welcome.messages.map((m) => [m.text, m.channel, m.to]),
        [['hello from the first release', 'general', undefined], ['a private word', undefined, 'bob']],
      );
      assert.deepEqual(alice.welcome.direct?.map((d) => [d.with, d.unread]), [['bob', 0]], 'what came before the update counts as read');
      const page = await alice.request({ type: 'history', channel: 'general' }, 'h');
      assert.ok(page.type === 'history');
      assert.deepEqual(page.messages.map((m) => m.text), ['hello from the first release']);
      const bob = await TestClient.join(server.url, 'bob', { session: 'bob-plain-secret-0123456789' });
      assert.deepEqual(bob.welcome.messages.map((m) => m.text), ['hello from the first release', 'a private word'], 'a v1 welcome as before');
      const newcomer = await TestClient.join(server.url, 'carol', { protocol: 2 });
      assert.deepEqual(newcomer.welcome.channels?.map((c) => [c.name, c.members]), [['general', 3]], 'a new account is in #general too');
      await server.close();
      server = undefined;
      const db = new Database(path.join(data.path, DATABASE_FILE), { readonly: true });
      assert.deepEqual(db.prepare(`SELECT DISTINCT conversation FROM messages ORDER BY conversation`).pluck().all(), ['c:1', 'p:1:2'], 'no group row left');
      db.close();
    } finally {
      data.remove();
    }
  });

  it('adds attachments in place: older messages are kept without any, new ones keep theirs across a restart', async () => {
    const data = tempDir();
    try {
      writeFirstReleaseStore(data.path);
      server = await startRelayServer({ host: '127.0.0.1', port: 0, dataDir: data.path });
      const alice = await TestClient.join(server.url, 'alice', { session: 'alice-plain-secret-0123456789' });
      const anchor = { kind: 'code', path: 'README.md', range: { startLine: 1, endLine: 1 }, snippet: '# Relay Chat' } as const;
      alice.send({ type: 'say', id: 'm3', text: 'README.md:L1', attachments: [anchor] });
      await alice.next('ack');
      await server.close();
      server = undefined;
      const db = new Database(path.join(data.path, DATABASE_FILE), { readonly: true });
      assert.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
      assert.deepEqual(db.prepare('SELECT client_id, attachments FROM messages ORDER BY seq').all(), [
        { client_id: 'm1', attachments: null },
        { client_id: 'm2', attachments: null },
        { client_id: 'm3', attachments: JSON.stringify([anchor]) },
      ]);
      db.close();
      server = await startRelayServer({ host: '127.0.0.1', port: 0, dataDir: data.path });
      const back = await TestClient.join(server.url, 'alice', { session: 'alice-plain-secret-0123456789' });
      assert.deepEqual(
        back.welcome.messages.map((m) => [m.text, m.attachments]),
        [['hello from the first release', undefined], ['a private word', undefined], ['README.md:L1', [anchor]]],
      );
    } finally {
      data.remove();
    }
  });

  it('never writes a session secret to the data folder', async () => {
    const data = tempDir();
    try {
      server = await startRelayServer({ host: '127.0.0.1', port: 0, dataDir: data.path });
      const sessions: string[] = [];
      for (const name of ['carol', 'dave', 'erin']) {
        const client = await TestClient.join(server.url, name);
        sessions.push(client.welcome.session);
        client.send({ type: 'say', id: 'x', text: 'hi' });
        await client.next('ack');
      }
      await server.close();
      server = undefined;
      for (const session of sessions) assert.deepEqual(filesContain(data.path, session), []);
    } finally {
      data.remove();
    }
  });
});
