import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { earlierSecretKey, SessionSecrets } from '../../../extension/session-secrets';
import type { WelcomeFrame } from '../../../protocol';

/** SecretStorage as a Map, which is what it is to the extension. */
class FakeSecretStorage implements vscode.SecretStorage {
  readonly values = new Map<string, string>();
  get(key: string): Thenable<string | undefined> {
    return Promise.resolve(this.values.get(key));
  }
  store(key: string, value: string): Thenable<void> {
    this.values.set(key, value);
    return Promise.resolve();
  }
  delete(key: string): Thenable<void> {
    this.values.delete(key);
    return Promise.resolve();
  }
  onDidChange: vscode.Event<vscode.SecretStorageChangeEvent> = () => ({ dispose: () => {} });
}

function welcome(name: string, session: string, server?: string): WelcomeFrame {
  return { type: 'welcome', name, session, users: [], messages: [], seq: 0, ...(server ? { server } : {}) };
}

/** Lets the book's write (a few promise steps on an in-memory store) finish. */
async function settled(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

const NONE = { urls: [], names: [] };

describe('extension: session secrets, kept per server id in the secret storage', () => {
  let storage: FakeSecretStorage;
  let errors: unknown[];
  /** Which server each URL leads to, as /healthz would say. */
  let servers: Map<string, string>;
  let secrets: SessionSecrets;

  beforeEach(() => {
    storage = new FakeSecretStorage();
    errors = [];
    servers = new Map([
      ['ws://127.0.0.1:4446', 'A'],
      ['ws://localhost:4446', 'A'],
    ]);
    secrets = new SessionSecrets(storage, (error) => errors.push(error), async (url) => servers.get(url));
  });

  it("finds a name's session from another spelling of the same server's URL", async () => {
    (await secrets.forUrl('ws://127.0.0.1:4446', NONE)).remember(welcome('Alice', 'secret-a', 'A'));
    await settled();
    const other = await secrets.forUrl('ws://localhost:4446', NONE);
    assert.equal(await other.sessionFor('alice'), 'secret-a');
    assert.deepEqual(errors, []);
  });

  it("never offers server A's session to server B behind a URL A used", async () => {
    (await secrets.forUrl('ws://127.0.0.1:4446', NONE)).remember(welcome('alice', 'secret-a', 'A'));
    await settled();
    servers.set('ws://127.0.0.1:4446', 'B');
    const sessions = await secrets.forUrl('ws://127.0.0.1:4446', NONE);
    assert.equal(await sessions.sessionFor('alice'), undefined);
    sessions.remember(welcome('alice', 'secret-b', 'B'));
    await settled();
    servers.set('ws://127.0.0.1:4446', 'A');
    assert.equal(await (await secrets.forUrl('ws://localhost:4446', NONE)).sessionFor('alice'), 'secret-a', "A's is kept beside B's");
  });

  it('moves the secrets earlier versions kept per URL spelling into the book, then deletes them', async () => {
    await storage.store(earlierSecretKey('ws://127.0.0.1:4446', 'Alice'), 'old-alice');
    await storage.store(earlierSecretKey('ws://elsewhere:1', 'bob'), 'old-bob');
    const earlier = { urls: ['ws://127.0.0.1:4446', 'ws://elsewhere:1', 'not a url'], names: ['ALICE', 'bob', 'not a name'] };
    const sessions = await secrets.forUrl('ws://127.0.0.1:4446', earlier);
    assert.equal(await sessions.sessionFor('alice'), 'old-alice', 'the upgraded user keeps the name');
    assert.equal(storage.values.has(earlierSecretKey('ws://127.0.0.1:4446', 'alice')), false);
    assert.equal(storage.values.has(earlierSecretKey('ws://elsewhere:1', 'bob')), false);
    // The welcome says which server it was: from then on every spelling of it finds the session.
    sessions.remember(welcome('alice', 'old-alice', 'A'));
    await settled();
    assert.equal(await (await secrets.forUrl('ws://localhost:4446', NONE)).sessionFor('alice'), 'old-alice');
    // bob's waits, kept for its URL, until that server is seen.
    servers.set('ws://elsewhere:1', 'C');
    assert.equal(await (await secrets.forUrl('ws://elsewhere:1', NONE)).sessionFor('bob'), 'old-bob');
  });

  it('keeps an earlier secret that differs from what the book holds for its URL, for later', async () => {
    (await secrets.forUrl('ws://nowhere:1', NONE)).remember(welcome('alice', 'in-book'));
    await settled();
    await storage.store(earlierSecretKey('ws://nowhere:1', 'alice'), 'earlier');
    const sessions = await secrets.forUrl('ws://nowhere:1', { urls: ['ws://nowhere:1'], names: ['alice'] });
    assert.equal(await sessions.sessionFor('alice'), 'in-book');
    assert.equal(storage.values.get(earlierSecretKey('ws://nowhere:1', 'alice')), 'earlier', 'not deleted');
  });

  it('keeps the secrets of names that are also Object properties', async () => {
    await storage.store(earlierSecretKey('ws://127.0.0.1:4446', 'toString'), 'old-tostring');
    const sessions = await secrets.forUrl('ws://127.0.0.1:4446', { urls: ['ws://127.0.0.1:4446'], names: ['toString'] });
    for (const name of ['__proto__', 'constructor', 'hasOwnProperty']) sessions.remember(welcome(name, `secret-${name}`, 'A'));
    await settled();
    const other = await secrets.forUrl('ws://localhost:4446', NONE);
    for (const name of ['__proto__', 'constructor', 'hasOwnProperty']) assert.equal(await other.sessionFor(name), `secret-${name}`);
    assert.equal(await other.sessionFor('tostring'), 'old-tostring');
    assert.equal(await other.sessionFor('valueOf'), undefined);
  });

  it('forgets a signed-out session for every spelling, leaving other names and a newer session alone', async () => {
    (await secrets.forUrl('ws://127.0.0.1:4446', NONE)).remember(welcome('alice', 'secret-a', 'A'));
    (await secrets.forUrl('ws://127.0.0.1:4446', NONE)).remember(welcome('bob', 'secret-b', 'A'));
    (await secrets.forUrl('ws://other:4446', NONE)).remember(welcome('alice', 'secret-c'));
    await settled();
    await secrets.forget('ALICE', 'secret-a');
    for (const url of ['ws://127.0.0.1:4446', 'ws://localhost:4446']) {
      const sessions = await secrets.forUrl(url, NONE);
      assert.equal(await sessions.sessionFor('alice'), undefined, url);
      assert.equal(await sessions.sessionFor('bob'), 'secret-b', url);
    }
    assert.equal(await (await secrets.forUrl('ws://other:4446', NONE)).sessionFor('alice'), 'secret-c');
    assert.doesNotMatch(storage.values.get('relayChat.sessions') ?? '', /secret-a/);
  });

  it('reports a book it cannot read and leaves it as it is', async () => {
    await storage.store('relayChat.sessions', '{"version":2,"servers":[],"urls":{},"byUrl":{}}');
    await assert.rejects(secrets.forUrl('ws://127.0.0.1:4446', NONE), /secret storage does not have the expected layout \(servers is not an object\)/);
    assert.equal(storage.values.get('relayChat.sessions'), '{"version":2,"servers":[],"urls":{},"byUrl":{}}');
  });

  it('reports a session it could not store', async () => {
    const failing = Object.assign(new FakeSecretStorage(), { store: () => Promise.reject(new Error('keyring locked')) });
    const broken = new SessionSecrets(failing, (error) => errors.push(error), async () => 'A');
    (await broken.forUrl('ws://127.0.0.1:4446', NONE)).remember(welcome('alice', 'secret-a', 'A'));
    await settled();
    assert.match(String(errors[0]), /keyring locked/);
  });
});
