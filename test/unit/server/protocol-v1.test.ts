import assert from 'node:assert/strict';
import { openSqliteBackend, type RelayServer } from '../../../server';
import { PasswordHasher } from '../../../server/identity/passwords';
import { startTestServer } from '../../support/server';
import { TestClient } from '../../support/ws-test-client';

/** The fields of a welcome before protocol 2. */
const V1_WELCOME_FIELDS = ['type', 'name', 'session', 'server', 'token', 'account', 'users', 'messages', 'seq'];

describe('server: v1 clients beside protocol 2', () => {
  let server: RelayServer;
  afterEach(() => server?.close());

  it('lets a v1 client (no protocol in its hello) chat in #general with a v2 client, and nothing of other channels reaches it', async () => {
    const storage = openSqliteBackend();
    const passwordCost = { N: 1024, r: 8, p: 1 };
    server = await startTestServer({ storage, passwordCost });
    await storage.identity.createAccount('ana', await new PasswordHasher(passwordCost).hash('the admin password'), true);
    const v2 = await TestClient.join2(server.url, 'ana', { password: 'the admin password' });
    const v1 = await TestClient.join(server.url, 'old-bot');
    assert.deepEqual(Object.keys(v1.welcome).sort(), [...V1_WELCOME_FIELDS].sort(), 'today’s welcome, no protocol, channels or direct');

    // The v1 client's group message is #general's; each side gets the other's.
    const ack = await v1.request({ type: 'say', id: 'v1-1', text: 'hello from v1' }, 'a');
    assert.ok(ack.type === 'ack');
    assert.deepEqual(await v2.next('message'), { type: 'message', seq: ack.seq, id: 'v1-1', from: 'old-bot', channel: 'general', text: 'hello from v1', ts: ack.ts });
    await v2.request({ type: 'say', id: 'v2-1', channel: 'general', text: 'hello from v2' }, 'b');
    assert.equal((await v1.next('message')).text, 'hello from v2');
    v1.send({ type: 'typing' });
    assert.deepEqual(await v2.next('typing'), { type: 'typing', from: 'old-bot' }, '#general typing, as every client reads it');
    v2.send({ type: 'typing', channel: 'general' });
    assert.deepEqual(await v1.next('typing'), { type: 'typing', from: 'ana' });
    const page = await v1.request({ type: 'history' }, 'h');
    assert.ok(page.type === 'history');
    assert.deepEqual(Object.keys(page).sort(), ['messages', 'more', 'ref', 'type'], 'a #general page looks as it did');
    assert.deepEqual(page.messages.map((m) => m.text), ['hello from v1', 'hello from v2']);
    await v1.request({ type: 'say', id: 'v1-dm', to: 'ana', text: 'a direct word' }, 'd');
    assert.equal((await v2.next('message', (m) => m.id === 'v1-dm')).to, 'ana');

    // Other channels, their typing and every channel event stay with protocol 2.
    await v2.request({ type: 'create', channel: 'build' }, 'c');
    assert.equal((await v2.request({ type: 'topic', channel: 'general', topic: 'not for v1' }, 't')).type, 'channel');
    await v2.request({ type: 'say', id: 'v2-b', channel: 'build', text: 'only for #build' }, 's');
    v2.send({ type: 'typing', channel: 'build' });
    await v2.request({ type: 'leave', channel: 'build' }, 'l');
    await v1.sync();
    assert.deepEqual(v1.pending('message'), []);
    assert.deepEqual(v1.pending('typing'), []);
    assert.deepEqual(v1.pending('channel'), []);

    const back = await TestClient.join(server.url, 'old-bot', { token: v1.welcome.token!, resume: 0 });
    assert.deepEqual(back.welcome.messages.map((m) => m.id), ['v1-1', 'v2-1', 'v1-dm'], 'its resume is #general and its direct messages');
    assert.equal(back.welcome.protocol, undefined);
  });
});
