import assert from 'node:assert/strict';
import type { RelayServer } from '../../../server';
import { startTestServer } from '../../support/server';
import { TestClient } from '../../support/ws-test-client';

describe('server: welcome and resume', () => {
  let server: RelayServer;
  beforeEach(async () => {
    server = await startTestServer({ rateLimit: { burst: 5000, perSecond: 5000 } });
  });
  afterEach(() => server.close());

  async function sayMany(client: TestClient, count: number, prefix: string, to?: string): Promise<number[]> {
    for (let i = 0; i < count; i++) client.send({ type: 'say', id: `${prefix}${i}`, text: `${prefix}${i}`, ...(to ? { to } : {}) });
    const seqs = [];
    for (let i = 0; i < count; i++) seqs.push((await client.next('ack', (a) => a.id === `${prefix}${i}`)).seq);
    return seqs;
  }

  it('welcomes with the latest 50 messages the user may see, oldest first, and the latest seq', async () => {
    const alice = await TestClient.join(server.url, 'alice');
    await TestClient.join(server.url, 'bob');
    const seqs = await sayMany(alice, 60, 'g');
    await sayMany(alice, 3, 'p', 'bob');
    const carol = await TestClient.join(server.url, 'carol');
    assert.equal(carol.welcome.messages.length, 50);
    assert.deepEqual(carol.welcome.messages.map((m) => m.text), seqs.slice(10).map((_, i) => `g${i + 10}`));
    assert.ok(carol.welcome.seq >= seqs.at(-1)! + 3);
  });

  it('with resume, sends every visible message after the seq; past 1000 the newest 1000 and gap', async () => {
    const alice = await TestClient.join(server.url, 'alice');
    const bob = await TestClient.join(server.url, 'bob');
    const resumeFrom = bob.welcome.seq;
    await bob.close();
    await sayMany(alice, 3, 'p', 'bob');
    await sayMany(alice, 2, 'g');
    const back = await TestClient.join(server.url, 'bob', { session: bob.welcome.session, resume: resumeFrom });
    assert.deepEqual(back.welcome.messages.map((m) => m.text), ['p0', 'p1', 'p2', 'g0', 'g1']);
    assert.equal(back.welcome.gap, undefined);
    await back.close();

    const from = back.welcome.seq;
    const seqs = await sayMany(alice, 1005, 'm');
    const flooded = await TestClient.join(server.url, 'bob', { session: bob.welcome.session, resume: from });
    assert.equal(flooded.welcome.messages.length, 1000);
    assert.equal(flooded.welcome.gap, true);
    assert.equal(flooded.welcome.messages[0]!.seq, seqs[5]);
  });

  it('a client that drops, resumes and resends what was not acked ends up with every message exactly once', async () => {
    const alice = await TestClient.join(server.url, 'alice');
    const bob = await TestClient.join(server.url, 'bob');
    const seen = new Map<number, string>();
    const record = (m: { seq: number; text: string }) => {
      assert.ok(!seen.has(m.seq), `seq ${m.seq} seen twice`);
      seen.set(m.seq, m.text);
    };
    // bob sends three messages and drops before reading the acks.
    for (const id of ['b1', 'b2', 'b3']) bob.send({ type: 'say', id, text: id });
    bob.ws.terminate();
    await sayMany(alice, 5, 'a');
    const lastSeen = bob.welcome.seq;

    const back = await TestClient.join(server.url, 'bob', { session: bob.welcome.session, resume: lastSeen });
    back.welcome.messages.filter((m) => m.from !== 'bob').forEach(record);
    for (const id of ['b1', 'b2', 'b3']) back.send({ type: 'say', id, text: id });
    const acks = [];
    for (const id of ['b1', 'b2', 'b3']) acks.push(await back.next('ack', (a) => a.id === id));
    await alice.sync();
    const aliceGot = alice.pending('message').map((m) => m.text);
    assert.deepEqual(aliceGot.sort(), ['b1', 'b2', 'b3'], 'alice gets each of bob’s messages exactly once');
    assert.deepEqual([...seen.values()].sort(), ['a0', 'a1', 'a2', 'a3', 'a4']);
    assert.equal(new Set(acks.map((a) => a.seq)).size, 3);
  });

  it('never loses or doubles a message committed while a connection is being welcomed', async () => {
    const alice = await TestClient.join(server.url, 'alice');
    const bob = await TestClient.join(server.url, 'bob');
    const session = bob.welcome.session;
    const from = bob.welcome.seq;
    await bob.close();
    const sent = 200;
    for (let i = 0; i < sent; i++) alice.send({ type: 'say', id: `r${i}`, text: `r${i}` });
    // Reconnect while those are being stored and relayed.
    const back = await TestClient.join(server.url, 'bob', { session, resume: from });
    for (let i = 0; i < sent; i++) await alice.next('ack', (a) => a.id === `r${i}`);
    await back.sync();
    const texts = [...back.welcome.messages, ...back.pending('message')].map((m) => m.text);
    assert.equal(texts.length, sent);
    assert.equal(new Set(texts).size, sent);
  });
});
