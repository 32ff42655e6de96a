import assert from 'node:assert/strict';
import type { RelayServer } from '../../../server';
import { startTestServer } from '../../support/server';
import { TestClient } from '../../support/ws-test-client';

describe('server: group and private messages', () => {
  let server: RelayServer;
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(() => server.close());

  it('delivers a group message to every other user exactly once and acks the sender without a copy', async () => {
    const alice = await TestClient.join(server.url, 'alice');
    const bob = await TestClient.join(server.url, 'bob');
    const carol = await TestClient.join(server.url, 'carol');
    alice.send({ type: 'say', id: 'g1', text: 'hello team' });
    const ack = await alice.next('ack');
    assert.equal(ack.id, 'g1');
    for (const receiver of [bob, carol]) {
      const message = await receiver.next('message');
      assert.deepEqual(
        { seq: message.seq, id: message.id, from: message.from, text: message.text, to: message.to },
        { seq: ack.seq, id: 'g1', from: 'alice', text: 'hello team', to: undefined },
      );
      assert.equal(message.ts, ack.ts);
    }
    await Promise.all([alice.sync(), bob.sync(), carol.sync()]);
    assert.equal(alice.pending('message').length, 0, 'the sender gets no copy');
    assert.equal(bob.pending('message').length, 0, 'delivered once');
    assert.equal(carol.pending('message').length, 0, 'delivered once');
  });

  it('assigns strictly increasing seqs across the server', async () => {
    const alice = await TestClient.join(server.url, 'alice');
    const bob = await TestClient.join(server.url, 'bob');
    for (let i = 0; i < 10; i++) {
      alice.send({ type: 'say', id: `a${i}`, text: `a${i}` });
      bob.send({ type: 'say', id: `b${i}`, text: `b${i}`, to: 'alice' });
    }
    const seqs: number[] = [];
    for (let i = 0; i < 10; i++) seqs.push((await alice.next('ack')).seq, (await bob.next('ack')).seq);
    assert.equal(new Set(seqs).size, 20);
    const received = [];
    for (let i = 0; i < 10; i++) received.push((await bob.next('message')).seq);
    assert.deepEqual(received, [...received].sort((a, b) => a - b), 'delivered in seq order');
  });

  it('delivers a private message to its recipient alone, live, in welcome and in history', async () => {
    const alice = await TestClient.join(server.url, 'alice');
    const bob = await TestClient.join(server.url, 'Bob');
    const eve = await TestClient.join(server.url, 'eve');
    alice.send({ type: 'say', id: 'p1', text: 'secret', to: 'BOB' });
    const ack = await alice.next('ack');
    const message = await bob.next('message');
    assert.equal(message.to, 'Bob', 'the name is shown as first registered');
    assert.equal(message.seq, ack.seq);
    await eve.sync();
    assert.equal(eve.pending('message').length, 0, 'nobody else receives it live');

    eve.send({ type: 'history' });
    assert.deepEqual((await eve.next('history')).messages, [], 'not in the group history');
    eve.send({ type: 'history', with: 'alice' });
    assert.deepEqual((await eve.next('history')).messages, [], "not in eve's conversation with alice");
    await eve.close();
    const eveAgain = await TestClient.join(server.url, 'eve', { session: eve.welcome.session });
    assert.deepEqual(eveAgain.welcome.messages, [], 'not in anyone else’s welcome');

    bob.send({ type: 'history', with: 'alice' });
    const history = await bob.next('history');
    assert.equal(history.with, 'alice');
    assert.deepEqual(history.messages.map((m) => m.text), ['secret']);
  });

  it('stores a private message to an offline user and hands it over in their next welcome', async () => {
    const bob = await TestClient.join(server.url, 'bob');
    await bob.close();
    const alice = await TestClient.join(server.url, 'alice');
    alice.send({ type: 'say', id: 'x', text: 'while you were out', to: 'bob' });
    await alice.next('ack');
    const bobAgain = await TestClient.join(server.url, 'bob', { session: bob.welcome.session });
    assert.deepEqual(bobAgain.welcome.messages.map((m) => [m.from, m.to, m.text]), [['alice', 'bob', 'while you were out']]);
  });

  it('answers a private message to a name never seen with UNKNOWN_USER', async () => {
    const alice = await TestClient.join(server.url, 'alice');
    alice.send({ type: 'say', id: 'u1', text: 'hello?', to: 'nobody' });
    const error = await alice.next('error');
    assert.equal(error.code, 'UNKNOWN_USER');
    assert.equal(error.id, 'u1');
    alice.send({ type: 'history', with: 'nobody' });
    assert.equal((await alice.next('error')).code, 'UNKNOWN_USER');
  });

  it('stores and acks a note to oneself without echoing it', async () => {
    const alice = await TestClient.join(server.url, 'alice');
    alice.send({ type: 'say', id: 'n1', text: 'remember the milk', to: 'ALICE' });
    await alice.next('ack');
    await alice.sync();
    assert.equal(alice.pending('message').length, 0);
    alice.send({ type: 'history', with: 'alice' });
    assert.deepEqual((await alice.next('history')).messages.map((m) => m.text), ['remember the milk']);
  });

  it('acks a resent id with the original seq and does not deliver it again', async () => {
    const alice = await TestClient.join(server.url, 'alice');
    const bob = await TestClient.join(server.url, 'bob');
    alice.send({ type: 'say', id: 'same', text: 'once' });
    const first = await alice.next('ack');
    alice.send({ type: 'say', id: 'same', text: 'once' });
    const second = await alice.next('ack');
    assert.deepEqual(second, first);
    await bob.next('message');
    await bob.sync();
    assert.equal(bob.pending('message').length, 0);
  });

  it('relays typing to the group or to one user', async () => {
    const alice = await TestClient.join(server.url, 'alice');
    const bob = await TestClient.join(server.url, 'bob');
    const carol = await TestClient.join(server.url, 'carol');
    alice.send({ type: 'typing' });
    assert.deepEqual(await bob.next('typing'), { type: 'typing', from: 'alice' });
    assert.deepEqual(await carol.next('typing'), { type: 'typing', from: 'alice' });
    alice.send({ type: 'typing', to: 'BOB' });
    assert.deepEqual(await bob.next('typing'), { type: 'typing', from: 'alice', to: 'bob' });
    await carol.sync();
    assert.equal(carol.pending('typing').length, 0);
  });
});
