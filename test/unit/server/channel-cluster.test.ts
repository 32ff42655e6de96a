import assert from 'node:assert/strict';
import { MemoryBroker, MemoryPresence, openSqliteBackend, type RelayServer } from '../../../server';
import { startTestServer, tempDir } from '../../support/server';
import { TestClient } from '../../support/ws-test-client';

const passwordCost = { N: 1024, r: 8, p: 1 };
const PASSWORD = 'correct horse battery';

describe('server: channels across nodes', () => {
  const servers: RelayServer[] = [];
  const data = tempDir();
  after(() => data.remove());
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  it('carries joins, invites, leaves and archiving through the broker, so every node re-subscribes its own connections', async () => {
    const shared = { broker: new MemoryBroker(), presence: new MemoryPresence(), controlSocket: false as const, passwordCost };
    for (let i = 0; i < 2; i++) servers.push(await startTestServer({ ...shared, storage: openSqliteBackend({ dataDir: data.path }) }));
    const [a, b] = servers.map((server) => server.url) as [string, string];
    const ana = await TestClient.join2(a, 'ana');
    const boOnA = await TestClient.join2(a, 'bo', { password: PASSWORD, device: 'on a' });
    const boOnB = await TestClient.join2(b, 'bo', { password: PASSWORD, device: 'on b' });
    const cyOnB = await TestClient.join2(b, 'cy');
    const oldOnB = await TestClient.join(b, 'old');

    await ana.request({ type: 'create', channel: 'build' }, 'c');
    await boOnB.request({ type: 'join', channel: 'build' }, 'j');
    await boOnA.next('channel', (e) => e.event === 'joined');
    await ana.request({ type: 'invite', channel: 'build', name: 'cy' }, 'i');
    await cyOnB.next('channel', (e) => e.event === 'joined' && e.name === 'cy');

    const first = await ana.request({ type: 'say', id: 'm1', channel: 'build', text: 'to every member on every node' }, 's1');
    assert.ok(first.type === 'ack');
    for (const member of [boOnA, boOnB, cyOnB]) await member.next('message', (m) => m.id === 'm1');

    await boOnA.request({ type: 'leave', channel: 'build' }, 'l');
    await boOnB.next('channel', (e) => e.event === 'left');
    await ana.request({ type: 'say', id: 'm2', channel: 'build', text: 'after bo left' }, 's2');
    await cyOnB.next('message', (m) => m.id === 'm2');

    await ana.request({ type: 'archive', channel: 'build' }, 'a');
    await cyOnB.next('channel', (e) => e.event === 'archived');
    assert.equal((await cyOnB.refusal({ type: 'say', id: 'late', channel: 'build', text: 'too late' }, 'x')).code, 'CHANNEL_ARCHIVED');
    await ana.request({ type: 'say', id: 'g', text: 'general still reaches everyone' }, 'g');
    for (const client of [boOnA, boOnB, cyOnB, oldOnB]) await client.next('message', (m) => m.id === 'g');
    for (const client of [boOnA, boOnB, cyOnB, oldOnB]) await client.sync();
    assert.deepEqual(boOnA.pending('message').map((m) => m.id), [], 'bo left before m2');
    assert.deepEqual(boOnB.pending('message').map((m) => m.id), []);
    assert.deepEqual(oldOnB.pending('message').map((m) => m.id), [], 'a v1 connection gets #general only');
    assert.deepEqual(oldOnB.pending('channel'), []);
  });
});
