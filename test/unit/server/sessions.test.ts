import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { RelayServer } from '../../../server';
import { startTestServer, tempDir } from '../../support/server';
import { TestClient } from '../../support/ws-test-client';

describe('server: names and sessions', () => {
  let server: RelayServer;
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(() => server.close());

  it('issues a session on first use and the same one on every later welcome', async () => {
    const first = await TestClient.join(server.url, 'Alice');
    assert.ok(first.welcome.session.length >= 20);
    await first.close();
    const again = await TestClient.join(server.url, 'alice', { session: first.welcome.session });
    assert.equal(again.welcome.session, first.welcome.session);
    assert.equal(again.welcome.name, 'Alice', 'shown as first registered');
  });

  for (const [label, online] of [['online', true], ['offline', false]] as const) {
    it(`refuses a used name without its session while the holder is ${label} (NAME_TAKEN, 4001)`, async () => {
      const holder = await TestClient.join(server.url, 'alice');
      if (!online) await holder.close();
      for (const session of [undefined, 'wrong-session']) {
        const intruder = await TestClient.connect(server.url);
        intruder.send({ type: 'hello', name: 'ALICE', ...(session ? { session } : {}) });
        assert.equal((await intruder.next('error')).code, 'NAME_TAKEN');
        assert.equal((await intruder.closed).code, 4001);
        assert.ok(!intruder.frames.some((f) => f.type === 'welcome'));
      }
    });
  }

  it('lets the session holder take over: the old connection gets 4002 and nobody sees a presence change', async () => {
    const bob = await TestClient.join(server.url, 'bob');
    const alice = await TestClient.join(server.url, 'alice');
    await bob.next('presence', (p) => p.name === 'alice' && p.online);
    const aliceNew = await TestClient.join(server.url, 'alice', { session: alice.welcome.session });
    assert.equal((await alice.closed).code, 4002);
    assert.deepEqual(aliceNew.welcome.users.sort(), ['alice', 'bob']);
    await bob.sync();
    assert.deepEqual(bob.pending('presence'), [], 'no presence change');
    aliceNew.send({ type: 'say', id: 'after', text: 'still me' });
    assert.equal((await bob.next('message')).from, 'alice');
  });

  it('refuses a bad name with BAD_NAME and 4001', async () => {
    for (const name of ['', 'has space', 'x'.repeat(33), 'émile']) {
      const client = await TestClient.connect(server.url);
      client.send({ type: 'hello', name });
      assert.equal((await client.next('error')).code, 'BAD_NAME');
      assert.equal((await client.closed).code, 4001);
    }
  });

  it('`relay-chat-server release NAME` frees the name and deletes its private history', async () => {
    await server.close();
    const data = tempDir();
    try {
      server = await startTestServer({ dataDir: data.path });
      const alice = await TestClient.join(server.url, 'alice');
      const bob = await TestClient.join(server.url, 'bob');
      alice.send({ type: 'say', id: '1', text: 'group hello' });
      alice.send({ type: 'say', id: '2', text: 'private hello', to: 'bob' });
      await alice.next('ack');
      await alice.next('ack');
      await server.close();

      const cli = path.resolve('dist/server/cli.js');
      const result = spawnSync(process.execPath, [cli, 'release', 'ALICE', '--data', data.path], { encoding: 'utf8' });
      assert.equal(result.status, 0, result.stderr);
      const unknown = spawnSync(process.execPath, [cli, 'release', 'nobody', '--data', data.path], { encoding: 'utf8' });
      assert.equal(unknown.status, 2);
      assert.match(unknown.stderr, /no user is named "nobody"/);

      server = await startTestServer({ dataDir: data.path });
      const newAlice = await TestClient.join(server.url, 'alice');
      assert.notEqual(newAlice.welcome.session, alice.welcome.session);
      assert.deepEqual(newAlice.welcome.messages.map((m) => m.text), ['group hello'], 'group history stays');
      const bobAgain = await TestClient.join(server.url, 'bob', { session: bob.welcome.session });
      assert.deepEqual(bobAgain.welcome.messages.map((m) => m.text), ['group hello'], 'private history is gone');
      newAlice.send({ type: 'say', id: '2', text: 'a new alice reuses an old id' });
      const ack = await newAlice.next('ack');
      assert.ok(ack.seq > 2, 'the old owner’s ids do not count for the new owner');
    } finally {
      data.remove();
    }
  });
});
