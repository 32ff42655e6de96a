import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SessionBook } from '../../../client/session-book';
import { configDir, SessionFile } from '../../../client/session-file';
import { tempDir } from '../../support/server';

const SERVER_A = 'server-a-id';
const SERVER_B = 'server-b-id';

describe('client: session file and book', () => {
  let dir: { path: string; remove: () => void };
  beforeEach(() => {
    dir = tempDir('relay-chat-config-');
  });
  afterEach(() => dir.remove());

  it('lives in RELAY_CHAT_CONFIG_DIR, else XDG_CONFIG_HOME/relay-chat, else ~/.config/relay-chat', () => {
    assert.equal(configDir({ RELAY_CHAT_CONFIG_DIR: '/a', XDG_CONFIG_HOME: '/b' }), '/a');
    assert.equal(configDir({ XDG_CONFIG_HOME: '/b' }), path.join('/b', 'relay-chat'));
    assert.equal(configDir({}), path.join(os.homedir(), '.config', 'relay-chat'));
  });

  it('keeps sessions per server id, found from any URL once the id is known; names match case-insensitively', () => {
    const file = new SessionFile(path.join(dir.path, 'relay-chat'));
    file.update((book) => book.save('ws://127.0.0.1:4446', SERVER_A, 'Alice', 'secret-a'));
    file.update((book) => book.save('ws://other:4446', SERVER_B, 'alice', 'secret-b'));
    const book = new SessionFile(path.join(dir.path, 'relay-chat')).load();
    assert.equal(book.find('ws://localhost:4446', 'ALICE', SERVER_A), 'secret-a', 'another spelling of the same server');
    assert.equal(book.find('ws://127.0.0.1:4446/', 'alice', undefined), 'secret-a', 'the id the URL last led to');
    assert.equal(book.find('ws://127.0.0.1:4446', 'alice', SERVER_B), 'secret-b', 'the URL now leads to server B');
    assert.equal(book.find('ws://localhost:4446', 'alice', undefined), undefined, 'an unknown URL without an id');
    assert.equal(book.find('ws://127.0.0.1:4446', 'alice', 'server-c-id'), undefined, 'never server A’s secret for server C');
    assert.equal(book.hasName('ALICE'), true);
    assert.equal(book.hasName('bob'), false);
  });

  it('reads a version 1 file (sessions per URL) and moves its sessions to the server id once the URL leads to one', () => {
    const file = new SessionFile(dir.path);
    const v1 = { version: 1, sessions: { 'ws://127.0.0.1:4446/': { alice: 'secret-a', bob: 'secret-b' }, 'ws://old:1/': { carol: 'secret-c' } } };
    fs.writeFileSync(file.path, JSON.stringify(v1));
    const book = file.load();
    assert.equal(book.find('ws://127.0.0.1:4446', 'alice', undefined), 'secret-a');
    assert.equal(book.find('ws://127.0.0.1:4446', 'bob', SERVER_A), 'secret-b', 'a URL’s sessions are for the server it leads to');
    assert.equal(fs.readFileSync(file.path, 'utf8'), JSON.stringify(v1), 'reading changes nothing');

    file.update((saved) => saved.save('ws://127.0.0.1:4446', SERVER_A, 'alice', 'secret-a'));
    const migrated = JSON.parse(fs.readFileSync(file.path, 'utf8'));
    assert.deepEqual(migrated, {
      version: 2,
      servers: { [SERVER_A]: { alice: 'secret-a', bob: 'secret-b' } },
      urls: { 'ws://127.0.0.1:4446/': SERVER_A },
      byUrl: { 'ws://old:1/': { carol: 'secret-c' } },
    });
    assert.equal(file.load().find('ws://localhost:4446', 'bob', SERVER_A), 'secret-b');
  });

  it('moving a URL’s sessions to a server keeps both when that server already has another one for the name', () => {
    const book = new SessionBook();
    book.save('ws://h:1', undefined, 'alice', 'old-secret');
    assert.equal(book.save('ws://h:1', SERVER_A, 'alice', 'new-secret'), true);
    assert.equal(book.find('ws://h:1', 'alice', SERVER_A), 'new-secret');
    assert.equal(book.byUrl.get('ws://h:1/')?.get('alice'), 'old-secret', 'not lost: it may belong to a server once at that URL');
    assert.equal(book.save('ws://h:1', SERVER_A, 'alice', 'new-secret'), false, 'nothing changed, nothing to write');
  });

  it('keeps a session for any valid name, __proto__ and constructor included', () => {
    const file = new SessionFile(dir.path);
    assert.equal(file.load().find('ws://host:4446', '__proto__', SERVER_A), undefined);
    assert.equal(file.load().hasName('constructor'), false);
    file.update((book) => book.save('ws://host:4446', SERVER_A, '__proto__', 'secret-p'));
    file.update((book) => book.save('ws://host:4446', '__proto__', 'constructor', 'secret-c'));
    const again = file.load();
    assert.equal(again.find('ws://host:4446', '__proto__', SERVER_A), 'secret-p');
    assert.equal(again.find('ws://host:4446', 'constructor', '__proto__'), 'secret-c');
    assert.equal(again.find('ws://host:4446', 'toString', SERVER_A), undefined);
  });

  it('refuses a session it read back that is not 1 to 128 characters, saying which', () => {
    const file = new SessionFile(dir.path);
    for (const bad of ['""', '{}', `"${'x'.repeat(129)}"`]) {
      fs.writeFileSync(file.path, `{"version": 1, "sessions": {"ws://host:1/": {"alice": ${bad}}}}`);
      assert.throws(() => file.load(), /the session of "alice" on ws:\/\/host:1\/ is not 1 to 128 characters\); fix or delete it/);
    }
  });

  it('is private: the file 0600 in a 0700 folder, replaced atomically with no temp files left', () => {
    const folder = path.join(dir.path, 'nested', 'relay-chat');
    const file = new SessionFile(folder);
    file.update((book) => book.save('ws://host:4446', SERVER_A, 'alice', 'secret'));
    fs.chmodSync(file.path, 0o644);
    file.update((book) => book.save('ws://host:4446', SERVER_A, 'bob', 'secret 2'));
    assert.equal(fs.statSync(file.path).mode & 0o777, 0o600);
    assert.equal(fs.statSync(folder).mode & 0o777, 0o700);
    assert.deepEqual(fs.readdirSync(folder), ['sessions.json']);
  });

  it('reports a broken file instead of overwriting the secrets in it', () => {
    const file = new SessionFile(dir.path);
    fs.writeFileSync(file.path, '{"version": 1, "sessions": ');
    assert.throws(() => file.load(), /is not valid JSON; fix or delete it/);
    assert.throws(() => file.update(() => {}), /is not valid JSON/);
    fs.writeFileSync(file.path, '{"version": 2, "sessions": {}}');
    assert.throws(() => file.load(), /does not have the expected layout \(urls is not an object\)/);
    assert.equal(fs.readFileSync(file.path, 'utf8'), '{"version": 2, "sessions": {}}');
    fs.writeFileSync(file.path, '{"version": 3}');
    assert.throws(() => file.update(() => {}), /written by a newer relay-chat \(version 3\)/);
    assert.equal(fs.readFileSync(file.path, 'utf8'), '{"version": 3}');
  });

  it('forgets a signed-out session wherever it is kept, and only that one', () => {
    const file = new SessionFile(dir.path);
    file.update((book) => {
      book.save('ws://a:1', SERVER_A, 'alice', 'dead-token');
      book.save('ws://a:1', SERVER_A, 'bob', 'live-token');
      book.save('ws://old:1', undefined, 'carol', 'dead-token');
    });
    assert.equal(file.forget('dead-token'), true);
    const book = file.load();
    assert.equal(book.find('ws://a:1', 'alice', SERVER_A), undefined);
    assert.equal(book.find('ws://old:1', 'carol', undefined), undefined);
    assert.equal(book.find('ws://a:1', 'bob', SERVER_A), 'live-token');
    assert.ok(!fs.readFileSync(file.path, 'utf8').includes('dead-token'));
    assert.equal(file.forget('dead-token'), false, 'nothing left to forget');
  });
});
