/**
 * Faults between nodes on one Redis: Redis restarted during traffic, events that come twice or
 * late, a node killed (SIGKILL: the command line's server, which cannot clean up) or closed.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import Redis from 'ioredis';
import { openSqliteBackend } from '../../../server';
import { TestClient } from '../../support/ws-test-client';
import { healthOf, useTestCluster } from '../../support/redis-cluster';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` holds, or fails after `timeoutMs`. Not a timing assertion: only a bound on waiting. */
async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await sleep(50);
  }
}

/** `client` says one message after another (pausing `pauseMs`) until `stop`; `acked` lists the ids the server acked. */
function sayUntilStopped(client: TestClient, pauseMs: number): { acked: string[]; stop: () => Promise<void> } {
  const acked: string[] = [];
  let sending = true;
  const traffic = (async () => {
    for (let i = 0; sending; i++) {
      const reply = await client.request({ type: 'say', id: `m${i}`, text: `message ${i}` }, `r${i}`);
      if (reply.type === 'ack') acked.push(`m${i}`);
      await sleep(pauseMs);
    }
  })();
  return {
    acked,
    stop: async () => {
      sending = false;
      await traffic;
    },
  };
}

describe('server: nodes on Redis under faults', function () {
  this.timeout(30_000);
  const suite = useTestCluster();

  /** Publishes on the cluster's channel as another node would. */
  async function publishAsAnotherNode(event: object, times = 1): Promise<void> {
    const raw = new Redis({ path: suite.redis.socket });
    try {
      for (let i = 0; i < times; i++) await raw.publish(`${suite.cluster.prefix}events`, `some-other-node ${JSON.stringify(event)}`);
    } finally {
      raw.disconnect();
    }
  }

  it('delivers every message acked before, during and after a Redis restart exactly once, resubscribes and recovers presence', async () => {
    const [a, b] = await suite.cluster.nodes(2);
    const ana = await TestClient.join(a!.url, 'ana');
    const bo = await TestClient.join(b!.url, 'bo');
    const { acked, stop } = sayUntilStopped(ana, 20);
    await sleep(200);
    await suite.redis.restart(1000);
    // Presence recovers: each node writes its users again once it finds its entry gone.
    await eventually(async () => (await healthOf(b!)).clusterOnline === 2 && (await healthOf(a!)).clusterOnline === 2, 'both users online again');
    await sleep(300);
    await stop();
    const last = acked.at(-1)!;
    await bo.next('message', (m) => m.id === last, 8000);
    await sleep(1500); // a late copy or a catch-up would come within this
    await bo.sync();
    const received = bo.frames.flatMap((f) => (f.type === 'message' ? [f.id] : []));
    assert.ok(acked.length > 20, `traffic went on through the restart (${acked.length} acked)`);
    assert.deepEqual([...received].sort(), [...acked].sort(), 'every acked message, and nothing twice');
    assert.deepEqual((await TestClient.join(b!.url, 'cy')).welcome.users, ['ana', 'bo', 'cy']);
    // And after it: a message sent now reaches the other node once.
    await ana.request({ type: 'say', id: 'after', text: 'after recovery' }, 'after');
    await bo.next('message', (m) => m.id === 'after');
    await bo.sync();
    assert.equal(bo.frames.filter((f) => f.type === 'message' && f.id === 'after').length, 1);
  });

  it('catches a node up that lost Redis while the others kept it, delivering every message once', async () => {
    const [a, b] = await suite.cluster.nodes(2);
    const ana = await TestClient.join(a!.url, 'ana');
    const bo = await TestClient.join(b!.url, 'bo');
    const { acked, stop } = sayUntilStopped(ana, 5);
    await sleep(100);
    const raw = new Redis({ path: suite.redis.socket });
    let killed = 0;
    try {
      for (let cut = 0; cut < 5; cut++) {
        // Only b's two connections; a and Redis go on.
        for (const line of String(await raw.call('CLIENT', 'LIST')).split('\n')) {
          const match = new RegExp(`^id=(\\d+) .* name=relay-chat(-sub)?:${b!.nodeId} `).exec(line);
          if (match) killed += Number(await raw.call('CLIENT', 'KILL', 'ID', match[1]!));
        }
        await sleep(150);
      }
    } finally {
      raw.disconnect();
    }
    assert.equal(killed, 10, "b's two connections, cut five times");
    await stop();
    await bo.next('message', (m) => m.id === acked.at(-1), 8000);
    await sleep(1500);
    const received = bo.frames.flatMap((f) => (f.type === 'message' ? [f.id] : []));
    assert.deepEqual([...received].sort(), [...acked].sort(), 'every acked message, and nothing twice');
  });

  it('catches up, once subscribed again after a Redis restart, on a message whose event was lost meanwhile', async () => {
    const [a, b] = await suite.cluster.nodes(2);
    const ana = await TestClient.join(a!.url, 'ana');
    const bo = await TestClient.join(b!.url, 'bo');
    await suite.redis.kill();
    // Committed while Redis is away, its event lost: nothing later shows a gap, only the resubscription tells.
    const storage = openSqliteBackend({ dataDir: suite.cluster.data.path });
    const anaRecord = (await storage.identity.accountByName('ana'))!;
    await storage.store.append({ sender: anaRecord, clientId: 'lost', text: 'in the outage', conversation: { kind: 'channel', channel: await storage.channels.general() } });
    await storage.close();
    await suite.redis.start();
    assert.equal((await bo.next('message', (m) => m.id === 'lost', 8000)).text, 'in the outage');
    assert.equal((await ana.next('message', (m) => m.id === 'lost', 8000)).from, 'ana', "the sender's other devices get it too");
    await sleep(300);
    for (const client of [ana, bo]) {
      await client.sync();
      assert.deepEqual(client.pending('message'), [], 'once');
    }
  });

  it('shuts a node down while Redis is away, and serves its own connections meanwhile', async () => {
    const [a, b] = await suite.cluster.nodes(2);
    const ana = await TestClient.join(a!.url, 'ana');
    const other = await TestClient.join(a!.url, 'al');
    await suite.redis.kill();
    try {
      await ana.request({ type: 'say', id: 'local', text: 'on this node' }, 's');
      assert.equal((await other.next('message', (m) => m.id === 'local')).text, 'on this node');
      await b!.close();
    } finally {
      await suite.redis.start();
    }
  });

  it('hands messages to its connections in seq order when their events come out of order', async () => {
    const [b] = await suite.cluster.nodes(1);
    await (await TestClient.join(b!.url, 'ana')).close();
    const bo = await TestClient.join(b!.url, 'bo');
    const storage = openSqliteBackend({ dataDir: suite.cluster.data.path });
    const ana = (await storage.identity.accountByName('ana'))!;
    const general = { kind: 'channel' as const, channel: await storage.channels.general() };
    const first = (await storage.store.append({ sender: ana, clientId: 'first', text: 'one', conversation: general })).message;
    const second = (await storage.store.append({ sender: ana, clientId: 'second', text: 'two', conversation: general })).message;
    await storage.close();
    // As from two nodes whose commits crossed: the later seq is published first.
    for (const message of [second, first]) await publishAsAnotherNode({ audience: { kind: 'everyone' }, payload: JSON.stringify(message), seq: message.seq });
    await bo.next('message', (m) => m.id === 'second');
    await bo.sync();
    assert.deepEqual(bo.frames.flatMap((f) => (f.type === 'message' ? [f.seq] : [])), [first.seq, second.seq]);
  });

  it('drops a second copy of a message event (a publish resent after a reconnect)', async () => {
    const [, b] = await suite.cluster.nodes(2);
    const bo = await TestClient.join(b!.url, 'bo');
    const message = { type: 'message', seq: bo.welcome.seq + 1, id: 'twice', from: 'ana', text: 'sent twice', ts: Date.now() };
    await publishAsAnotherNode({ audience: { kind: 'everyone' }, payload: JSON.stringify(message), seq: message.seq }, 2);
    await bo.next('message', (m) => m.id === 'twice');
    await sleep(200);
    await bo.sync();
    assert.deepEqual(bo.pending('message'), []);
  });

  it('does not deliver again a message its welcome held when the message\'s event comes late', async () => {
    const [b] = await suite.cluster.nodes(1);
    await (await TestClient.join(b!.url, 'ana')).close();
    const storage = openSqliteBackend({ dataDir: suite.cluster.data.path });
    const general = await storage.channels.general();
    const ana = (await storage.identity.accountByName('ana'))!;
    const { message } = await storage.store.append({ sender: ana, clientId: 'late', text: 'committed, announced late', conversation: { kind: 'channel', channel: general } });
    await storage.close();
    const bo = await TestClient.join(b!.url, 'bo');
    assert.deepEqual(bo.welcome.messages.map((m) => m.id), ['late']);
    await publishAsAnotherNode({ audience: { kind: 'everyone' }, payload: JSON.stringify(message), seq: message.seq });
    await sleep(300);
    await bo.sync();
    assert.deepEqual(bo.pending('message'), []);
  });

  it('takes the users of a closed node offline on the others at once, and those of a killed node within TTL + refresh', async () => {
    const [a] = await suite.cluster.nodes(1);
    const watcher = await TestClient.join(a!.url, 'watcher');

    // Closed: it withdraws its users as it goes (default presence times: 15 s would fail the wait below).
    const closing = await suite.cluster.node({ redis: { url: suite.redis.socket, prefix: suite.cluster.prefix } });
    await TestClient.join(closing.url, 'leaver');
    await watcher.next('presence', (p) => p.name === 'leaver' && p.online);
    await closing.close();
    await watcher.next('presence', (p) => p.name === 'leaver' && !p.online, 3000);

    // Killed: nothing is withdrawn; its entry expires, a live node sweeps it and announces its users.
    const cli = path.resolve('dist/server/cli.js');
    const child = spawn(
      process.execPath,
      [cli, '--port', '0', '--data', suite.cluster.data.path, '--redis', suite.redis.socket, '--redis-prefix', suite.cluster.prefix, '--presence-refresh-ms', '100', '--presence-ttl-ms', '500'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const lines = createInterface({ input: child.stdout! });
      const url = await new Promise<string>((resolve) => lines.on('line', (line) => {
        const match = /listening on (ws:\/\/\S+)/.exec(line);
        if (match) resolve(match[1]!);
      }));
      const victim = await TestClient.join(url, 'victim');
      await watcher.next('presence', (p) => p.name === 'victim' && p.online);
      child.kill('SIGKILL');
      await victim.closed;
      // 500 + 100 ms, plus the sweep's own interval on this node: generous, as a bound on waiting only.
      await watcher.next('presence', (p) => p.name === 'victim' && !p.online, 5000);
      assert.equal((await healthOf(a!)).clusterOnline, 1);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
