/**
 * Several real servers in this process, each with its own connections to one private Redis
 * (RedisBroker, RedisPresence, the Redis attempt limiter), sharing one SQLite data folder: what
 * acts on a user or a device crosses nodes.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { openSqliteBackend } from '../../../server';
import { sendControlRequest } from '../../../server/control/control-client';
import { PasswordHasher } from '../../../server/identity/passwords';
import { healthOf, passwordCost, useTestCluster } from '../../support/redis-cluster';
import { TestClient } from '../../support/ws-test-client';

const PASSWORD = 'correct horse battery';

describe('server: several nodes on one Redis', function () {
  const suite = useTestCluster();

  it('lists who is online on every node in a welcome, and carries typing and direct messages to a user on another node', async () => {
    const [a, b] = await suite.cluster.nodes(2);
    const ana = await TestClient.join(a!.url, 'ana');
    const bo = await TestClient.join(b!.url, 'bo');
    assert.deepEqual(bo.welcome.users, ['ana', 'bo']);
    await ana.next('presence', (p) => p.name === 'bo' && p.online);
    ana.send({ type: 'typing', to: 'bo' });
    assert.deepEqual(await bo.next('typing'), { type: 'typing', from: 'ana', to: 'bo' });
    await ana.request({ type: 'say', id: 'd1', to: 'bo', text: 'across nodes' }, 's');
    assert.equal((await bo.next('message', (m) => m.id === 'd1')).text, 'across nodes');
    await bo.sync();
    assert.equal(bo.pending('message').length, 0, 'once');
  });

  it('replaces a device connected on one node when the same device connects on another (4002 on the old one)', async () => {
    const [a, b] = await suite.cluster.nodes(2);
    const first = await TestClient.join(a!.url, 'bo', { password: PASSWORD, device: 'laptop' });
    const other = await TestClient.join(a!.url, 'bo', { password: PASSWORD, device: 'desktop' });
    const second = await TestClient.join(b!.url, 'bo', { token: first.welcome.token });
    assert.deepEqual(await first.closed, { code: 4002, reason: 'replaced by a newer connection of the same device' });
    await other.sync();
    await second.sync();
    assert.equal(other.ws.readyState, other.ws.OPEN, 'the other device stays');
    assert.equal(second.ws.readyState, second.ws.OPEN, 'the newer connection stays');
  });

  it('closes a device on another node with 4004 when it is revoked, when its account is disabled, and when its name is released', async () => {
    const [a] = await suite.cluster.nodes(1);
    const controlSocket = path.join(suite.cluster.data.path, 'b.sock');
    const b = await suite.cluster.node({ controlSocket });
    const storage = openSqliteBackend({ dataDir: suite.cluster.data.path });
    await storage.identity.createAccount('root', await new PasswordHasher(passwordCost).hash(PASSWORD), true);
    await storage.close();

    const laptop = await TestClient.join(a!.url, 'jo', { password: PASSWORD, device: 'laptop' });
    const desktop = await TestClient.join(b.url, 'jo', { password: PASSWORD, device: 'desktop' });
    laptop.send({ type: 'devices', ref: 'd' });
    const desktopId = (await laptop.next('devices')).devices.find((d) => d.label === 'desktop')!.id;
    laptop.send({ type: 'revoke', device: desktopId, ref: 'r' });
    await laptop.next('revoked');
    assert.deepEqual(await desktop.closed, { code: 4004, reason: 'this device was signed out' });

    const root = await TestClient.join(b.url, 'root', { password: PASSWORD });
    root.send({ type: 'disable', name: 'jo', ref: 'x' });
    await root.next('user');
    assert.deepEqual(await laptop.closed, { code: 4004, reason: 'this account was disabled' });

    const cy = await TestClient.join(a!.url, 'cy', { password: PASSWORD });
    const reply = await sendControlRequest(controlSocket, { command: 'admin', action: { kind: 'user-remove', name: 'cy' } });
    assert.equal(reply?.ok, true);
    assert.deepEqual(await cy.closed, { code: 4004, reason: 'the server administrator released this name' });
  });

  it('carries channel membership changes to the other node\'s hub', async () => {
    const [a, b] = await suite.cluster.nodes(2);
    const ana = await TestClient.join2(a!.url, 'ana');
    const cy = await TestClient.join2(b!.url, 'cy');
    await ana.request({ type: 'create', channel: 'build' }, 'c');
    await ana.request({ type: 'invite', channel: 'build', name: 'cy' }, 'i');
    await cy.next('channel', (e) => e.event === 'joined' && e.name === 'cy');
    await ana.request({ type: 'say', id: 'm1', channel: 'build', text: 'to the members' }, 's1');
    await cy.next('message', (m) => m.id === 'm1');
    await ana.request({ type: 'archive', channel: 'build' }, 'a');
    await cy.next('channel', (e) => e.event === 'archived');
    assert.equal((await cy.refusal({ type: 'say', id: 'late', channel: 'build', text: 'too late' }, 'x')).code, 'CHANNEL_ARCHIVED');
  });

  it('reports this node\'s users and connections and the cluster\'s online count on /healthz', async () => {
    const [a, b] = await suite.cluster.nodes(2);
    await TestClient.join(a!.url, 'ana');
    await TestClient.join(a!.url, 'bo', { password: PASSWORD, device: 'one' });
    await TestClient.join(a!.url, 'bo', { password: PASSWORD, device: 'two' });
    await TestClient.join(b!.url, 'cy');
    const [onA, onB] = await Promise.all([healthOf(a!), healthOf(b!)]);
    assert.deepEqual([onA.online, onA.connections, onA.clusterOnline, onA.ok], [2, 3, 3, true]);
    assert.deepEqual([onB.online, onB.connections, onB.clusterOnline], [1, 1, 3]);
    assert.equal(onA.server, onB.server, 'one installation');
    assert.notEqual(onA.node, onB.node);
  });

  it('takes a user online on two nodes offline only when both connections are gone', async () => {
    const [a, b] = await suite.cluster.nodes(2);
    const ana = await TestClient.join(a!.url, 'ana');
    const cy = await TestClient.join(b!.url, 'cy');
    const boOnA = await TestClient.join(a!.url, 'bo', { password: PASSWORD, device: 'one' });
    const boOnB = await TestClient.join(b!.url, 'bo', { password: PASSWORD, device: 'two' });
    for (const watcher of [ana, cy]) await watcher.next('presence', (p) => p.name === 'bo' && p.online);
    await boOnA.close();
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const watcher of [ana, cy]) {
      await watcher.sync();
      assert.deepEqual(watcher.pending('presence').filter((p) => p.name === 'bo'), [], 'still online on b');
    }
    assert.deepEqual((await TestClient.join(a!.url, 'dee')).welcome.users, ['ana', 'bo', 'cy', 'dee']);
    await boOnB.close();
    for (const watcher of [ana, cy]) await watcher.next('presence', (p) => p.name === 'bo' && !p.online);
  });

  it('shares sign-in throttling: failures on one node count on the others', async () => {
    const [a, b] = await suite.cluster.nodes(2);
    (await TestClient.join(a!.url, 'jo', { password: PASSWORD })).ws.close();
    for (let i = 0; i < 5; i++) {
      const node = i % 2 === 0 ? a! : b!;
      assert.equal((await TestClient.refused(node.url, { name: 'jo', password: 'wrong guess' })).code, 'AUTH_FAILED');
    }
    const refused = await TestClient.refused(b!.url, { name: 'jo', password: 'wrong guess' });
    assert.equal(refused.code, 'TOO_MANY_ATTEMPTS');
    const onA = await TestClient.refused(a!.url, { name: 'jo', password: PASSWORD });
    assert.equal(onA.code, 'TOO_MANY_ATTEMPTS', 'even the right password waits, on every node');
  });

  it('catches up from the store a message whose event never reached this node, once', async () => {
    const [a, b] = await suite.cluster.nodes(2);
    const ana = await TestClient.join(a!.url, 'ana');
    const bo = await TestClient.join(b!.url, 'bo');
    // Stored as a node would that died between its commit and its publish: in the store, never announced.
    const storage = openSqliteBackend({ dataDir: suite.cluster.data.path });
    const general = await storage.channels.general();
    const anaRecord = (await storage.identity.accountByName('ana'))!;
    await storage.store.append({ sender: anaRecord, clientId: 'lost', text: 'never published', conversation: { kind: 'channel', channel: general } });
    await storage.close();
    await ana.request({ type: 'say', id: 'after', text: 'published' }, 's');
    const [first, second] = [await bo.next('message'), await bo.next('message')];
    assert.deepEqual([first.id, second.id].sort(), ['after', 'lost']);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await bo.sync();
    assert.deepEqual(bo.pending('message'), [], 'nothing twice');
  });
});
