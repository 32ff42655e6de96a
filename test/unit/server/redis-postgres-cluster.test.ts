/** Three nodes on one PostgreSQL and one Redis: what crosses nodes, and a catch-up read from PostgreSQL. */
import assert from 'node:assert/strict';
import { openPostgresBackend } from '../../../server/store/postgres/postgres-backend';
import { usePostgres } from '../../support/postgres';
import { healthOf, useTestCluster } from '../../support/redis-cluster';
import { TestClient } from '../../support/ws-test-client';

const PASSWORD = 'correct horse battery';

describe('server: three nodes on PostgreSQL and Redis', function () {
  this.timeout(20_000);
  const postgres = usePostgres('the PostgreSQL and Redis cluster tests');
  const suite = useTestCluster(async () => {
    const url = await postgres().createDatabase();
    return () => openPostgresBackend({ url });
  });

  it('carries messages, typing, presence and a device takeover between the nodes', async () => {
    const [a, b, c] = await suite.cluster.nodes(3);
    const ana = await TestClient.join2(a!.url, 'ana');
    const bo = await TestClient.join2(b!.url, 'bo', { password: PASSWORD, device: 'laptop' });
    const cy = await TestClient.join2(c!.url, 'cy');
    assert.deepEqual(cy.welcome.users, ['ana', 'bo', 'cy']);
    await ana.request({ type: 'say', id: 'g1', text: 'to everyone, on every node' }, 'g');
    for (const client of [bo, cy]) await client.next('message', (m) => m.id === 'g1');
    ana.send({ type: 'typing', to: 'cy' });
    await cy.next('typing', (t) => t.from === 'ana');
    await ana.request({ type: 'say', id: 'd1', to: 'cy', text: 'privately' }, 'd');
    await cy.next('message', (m) => m.id === 'd1');

    const boAgain = await TestClient.join2(c!.url, 'bo', { token: bo.welcome.token });
    assert.equal((await bo.closed).code, 4002);
    await boAgain.sync();
    for (const server of [a!, b!, c!]) assert.equal((await healthOf(server)).clusterOnline, 3);
    for (const client of [bo, cy]) {
      assert.equal(client.frames.filter((f) => f.type === 'message' && f.id === 'g1').length, 1, 'once');
    }
  });

  it('catches a node up from PostgreSQL on a message committed while Redis was away', async () => {
    const [, b] = await suite.cluster.nodes(2);
    const bo = await TestClient.join(b!.url, 'bo');
    await suite.redis.kill();
    const storage = await suite.cluster.open();
    try {
      const bob = (await storage.identity.accountByName('bo'))!;
      const general = await storage.channels.general();
      await storage.store.append({ sender: bob, clientId: 'lost', text: 'committed in the outage', conversation: { kind: 'channel', channel: general } });
    } finally {
      await storage.close();
      await suite.redis.start();
    }
    assert.equal((await bo.next('message', (m) => m.id === 'lost', 8000)).text, 'committed in the outage');
  });
});
