import assert from 'node:assert/strict';
import type { RelayServer } from '../../../server';
import { startTestServer } from '../../support/server';
import { TestClient } from '../../support/ws-test-client';

describe('server: history', () => {
  let server: RelayServer;
  beforeEach(async () => {
    server = await startTestServer({ rateLimit: { burst: 1000, perSecond: 1000 } });
  });
  afterEach(() => server.close());

  it('pages backwards with before and limit, oldest first, and says whether more exist', async () => {
    const alice = await TestClient.join(server.url, 'alice');
    for (let i = 0; i < 12; i++) alice.send({ type: 'say', id: `${i}`, text: `m${i}` });
    const seqs = [];
    for (let i = 0; i < 12; i++) seqs.push((await alice.next('ack', (a) => a.id === `${i}`)).seq);

    alice.send({ type: 'history', limit: 5 });
    const newest = await alice.next('history');
    assert.deepEqual(newest.messages.map((m) => m.text), ['m7', 'm8', 'm9', 'm10', 'm11']);
    assert.equal(newest.more, true);

    alice.send({ type: 'history', before: seqs[7], limit: 5 });
    const older = await alice.next('history');
    assert.equal(older.before, seqs[7]);
    assert.deepEqual(older.messages.map((m) => m.text), ['m2', 'm3', 'm4', 'm5', 'm6']);
    assert.equal(older.more, true);

    alice.send({ type: 'history', before: seqs[2], limit: 5 });
    const oldest = await alice.next('history');
    assert.deepEqual(oldest.messages.map((m) => m.text), ['m0', 'm1']);
    assert.equal(oldest.more, false);
  });

  it('defaults to 50 and caps the limit at 200', async () => {
    const alice = await TestClient.join(server.url, 'alice');
    for (let i = 0; i < 210; i++) alice.send({ type: 'say', id: `${i}`, text: `m${i}` });
    await alice.next('ack', (a) => a.id === '209', 5000);
    alice.send({ type: 'history' });
    assert.equal((await alice.next('history')).messages.length, 50);
    alice.send({ type: 'history', limit: 1000 });
    const capped = await alice.next('history');
    assert.equal(capped.messages.length, 200);
    assert.equal(capped.more, true);
  });

  it('keeps each private conversation to its two people', async () => {
    const alice = await TestClient.join(server.url, 'alice');
    const bob = await TestClient.join(server.url, 'bob');
    await TestClient.join(server.url, 'carol');
    alice.send({ type: 'say', id: '1', text: 'to bob', to: 'bob' });
    alice.send({ type: 'say', id: '2', text: 'to carol', to: 'carol' });
    bob.send({ type: 'say', id: '1', text: 'to alice', to: 'alice' });
    await alice.next('ack');
    await alice.next('ack');
    await bob.next('ack');
    alice.send({ type: 'history', with: 'Bob' });
    assert.deepEqual((await alice.next('history')).messages.map((m) => m.text), ['to bob', 'to alice']);
    bob.send({ type: 'history', with: 'carol' });
    assert.deepEqual((await bob.next('history')).messages, []);
  });
});
