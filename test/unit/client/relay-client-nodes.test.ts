import assert from 'node:assert/strict';
import net from 'node:net';
import { MemoryBroker, MemoryPresence, openSqliteBackend, type RelayServer } from '../../../server';
import { startTestServer, tempDir } from '../../support/server';
import { ClientPool, makeClient, nextEvent, online, until } from './helpers';

/** A loopback port nothing listens on: connecting to it is refused at once. */
async function deadPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('client: RelayClient given the URLs of several nodes', () => {
  const pool = new ClientPool();
  const servers: RelayServer[] = [];
  afterEach(async () => {
    await pool.closeAll();
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('rejects a bad URL among them, as it does the first', () => {
    assert.throws(() => makeClient('ws://127.0.0.1:1', 'ann', { otherNodes: ['http://127.0.0.1:2'] }), /must start with ws:\/\/ or wss:\/\//);
  });

  it('connects to the next node when the first cannot be reached, and moves on when its node goes away', async () => {
    const data = tempDir();
    try {
      const shared = { broker: new MemoryBroker(), presence: new MemoryPresence(), controlSocket: false as const };
      const first = await startTestServer({ ...shared, storage: openSqliteBackend({ dataDir: data.path }) });
      const second = await startTestServer({ ...shared, storage: openSqliteBackend({ dataDir: data.path }) });
      servers.push(second);
      const down = `ws://127.0.0.1:${await deadPort()}`;
      const ann = makeClient(down, 'ann', { otherNodes: [first.url, second.url] });
      pool.track(ann);
      await online(ann);
      assert.equal(ann.url, first.url, 'the dead node was skipped');

      const back = nextEvent(ann, 'welcome');
      await first.close(); // its clients are told to go; the next node welcomes them
      await back;
      assert.equal(ann.url, second.url, 'now on the second node');
      await until(() => ann.state === 'online', 'online again');
    } finally {
      data.remove();
    }
  });
});
