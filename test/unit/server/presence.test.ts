import assert from 'node:assert/strict';
import http from 'node:http';
import { MemoryPresence, type RelayServer } from '../../../server';
import { startTestServer } from '../../support/server';
import { TestClient } from '../../support/ws-test-client';

function getJson(url: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (response) => {
        let text = '';
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
      })
      .on('error', reject);
  });
}

describe('server: presence, heartbeat, health and shutdown', () => {
  let server: RelayServer;
  afterEach(() => server.close());

  it('tells everyone else when someone joins and leaves, and lists who is online in welcome', async () => {
    server = await startTestServer();
    const alice = await TestClient.join(server.url, 'alice');
    assert.deepEqual(alice.welcome.users, ['alice']);
    const bob = await TestClient.join(server.url, 'bob');
    assert.deepEqual(bob.welcome.users.sort(), ['alice', 'bob']);
    assert.deepEqual(await alice.next('presence'), { type: 'presence', name: 'bob', online: true });
    await bob.sync();
    assert.deepEqual(bob.pending('presence'), [], 'no presence about oneself');
    bob.ws.terminate();
    assert.deepEqual(await alice.next('presence'), { type: 'presence', name: 'bob', online: false });
  });

  it('finds a peer that stopped answering pings and reports it offline', async () => {
    server = await startTestServer({ heartbeatMs: 100 });
    const alice = await TestClient.join(server.url, 'alice');
    const ghost = await TestClient.connect(server.url, { autoPong: false });
    ghost.send({ type: 'hello', name: 'ghost' });
    await ghost.next('welcome');
    await alice.next('presence', (p) => p.name === 'ghost' && p.online);
    const offline = await alice.next('presence', (p) => p.name === 'ghost' && !p.online, 2000);
    assert.equal(offline.online, false);
  });

  it('lists the users in welcome by name, case-insensitively, whatever order they came in', async () => {
    server = await startTestServer();
    for (const name of ['carol', 'Bob', 'dave', 'alice']) await TestClient.join(server.url, name);
    const erin = await TestClient.join(server.url, 'erin');
    assert.deepEqual(erin.welcome.users, ['alice', 'Bob', 'carol', 'dave', 'erin']);
  });

  it('keeps the presence list ordered by key through joins, leaves and repeats', async () => {
    const presence = new MemoryPresence();
    const names = ['mia', 'Bob', 'zoe', 'al', 'Carl', 'bea', 'x.y', 'a-b', 'A_c'];
    for (const name of names) assert.equal(await presence.join(name.toLowerCase(), name), true);
    assert.equal(await presence.join('bob', 'Bob'), false, 'a repeated join is not news');
    assert.equal(await presence.leave('zoe'), true);
    assert.equal(await presence.leave('zoe'), false);
    assert.equal(await presence.leave('al'), true);
    const expected = names.filter((n) => n !== 'zoe' && n !== 'al').sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));
    assert.deepEqual(await presence.online(), expected);
  });

  it('closes a connection that sends no hello in time with 4003', async () => {
    server = await startTestServer({ helloTimeoutMs: 100 });
    const silent = await TestClient.connect(server.url);
    assert.equal((await silent.closed).code, 4003);
  });

  it('answers GET /healthz with the online count and uptime', async () => {
    server = await startTestServer();
    await TestClient.join(server.url, 'alice');
    const health = await getJson(`${server.url.replace('ws:', 'http:')}/healthz`);
    assert.equal(health.status, 200);
    const { server: serverId, node, ...rest } = health.body as { server: unknown; node: unknown };
    assert.deepEqual(rest, { ok: true, online: 1, uptimeSeconds: 0, connections: 1, clusterOnline: 1 });
    assert.match(String(node), /^[\da-f-]{36}$/);
    assert.match(String(serverId), /^[\w-]{22}$/);
    const missing = await getJson(`${server.url.replace('ws:', 'http:')}/nope`);
    assert.equal(missing.status, 404);
  });

  it('closes every connection with 1001 on shutdown', async () => {
    server = await startTestServer();
    const alice = await TestClient.join(server.url, 'alice');
    const waiting = await TestClient.connect(server.url);
    await server.close();
    assert.equal((await alice.closed).code, 1001);
    assert.equal((await waiting.closed).code, 1001);
  });
});
