import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { configDir, SessionFile } from '../../../client/session-file';
import { tempDir } from '../../support/server';

describe('client: session file', () => {
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

  it('keeps a session per server and name; names match case-insensitively, URLs when normalised', () => {
    const file = new SessionFile(path.join(dir.path, 'relay-chat'));
    assert.equal(file.get('ws://host:4446', 'alice'), undefined);
    file.set('ws://host:4446', 'Alice', 'secret-a');
    file.set('ws://other:4446', 'alice', 'secret-b');
    assert.equal(file.get('ws://HOST:4446/', 'ALICE'), 'secret-a');
    assert.equal(file.get('ws://other:4446', 'alice'), 'secret-b');
    file.set('ws://host:4446', 'alice', 'secret-c');
    assert.equal(new SessionFile(path.join(dir.path, 'relay-chat')).get('ws://host:4446', 'alice'), 'secret-c');
  });

  it('keeps a session for any valid name, __proto__ and constructor included', () => {
    const file = new SessionFile(dir.path);
    assert.equal(file.get('ws://host:4446', '__proto__'), undefined);
    assert.equal(file.get('ws://host:4446', 'constructor'), undefined);
    file.set('ws://host:4446', '__proto__', 'secret-p');
    file.set('ws://host:4446', 'constructor', 'secret-c');
    const again = new SessionFile(dir.path);
    assert.equal(again.get('ws://host:4446', '__proto__'), 'secret-p');
    assert.equal(again.get('ws://host:4446', 'constructor'), 'secret-c');
    assert.equal(again.get('ws://host:4446', 'toString'), undefined);
  });

  it('refuses a session it read back that is not 1 to 128 characters, saying which', () => {
    const file = new SessionFile(dir.path);
    for (const bad of ['""', '{}', `"${'x'.repeat(129)}"`]) {
      fs.writeFileSync(file.path, `{"version": 1, "sessions": {"ws://host:1/": {"alice": ${bad}}}}`);
      assert.throws(() => file.get('ws://host:1', 'alice'), /the session of "alice" on ws:\/\/host:1\/ in .* is not 1 to 128 characters; fix or delete it/);
    }
  });

  it('is private: the file 0600 in a 0700 folder, replaced atomically with no temp files left', () => {
    const folder = path.join(dir.path, 'nested', 'relay-chat');
    const file = new SessionFile(folder);
    file.set('ws://host:4446', 'alice', 'secret');
    file.set('ws://host:4446', 'bob', 'secret 2');
    assert.equal(fs.statSync(file.path).mode & 0o777, 0o600);
    assert.equal(fs.statSync(folder).mode & 0o777, 0o700);
    assert.deepEqual(fs.readdirSync(folder), ['sessions.json']);
  });

  it('reports a broken file instead of overwriting the secrets in it', () => {
    const file = new SessionFile(dir.path);
    fs.writeFileSync(file.path, '{"version": 1, "sessions": ');
    assert.throws(() => file.get('ws://host:1', 'alice'), /is not valid JSON; fix or delete it/);
    assert.throws(() => file.set('ws://host:1', 'alice', 's'), /is not valid JSON/);
    fs.writeFileSync(file.path, '{"version": 2, "sessions": {}}');
    assert.throws(() => file.get('ws://host:1', 'alice'), /does not have the expected layout/);
    assert.equal(fs.readFileSync(file.path, 'utf8'), '{"version": 2, "sessions": {}}');
  });
});
