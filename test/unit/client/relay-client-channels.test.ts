import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { RelayError, type RelayClient } from '../../../client/relay-client';
import { GENERAL, type Conversation } from '../../../protocol';
import type { RelayServer } from '../../../server';
import { startTestServer } from '../../support/server';
import { FakeChannelServer } from './fake-channel-server';
import { ClientPool, delay, makeClient, nextEvent, online, SocketControl, until } from './helpers';

const build: Conversation = { kind: 'channel', channel: 'build' };

/** What a rejected promise was rejected with: its code. */
function codeOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'resolved',
    (error: unknown) => (error instanceof RelayError ? error.code : String(error)),
  );
}

describe('client: RelayClient protocol 2 against a fake channel server', () => {
  let server: FakeChannelServer;
  const pool = new ClientPool();
  const client = (name: string, options: Parameters<typeof makeClient>[2] = {}): RelayClient => {
    const created = makeClient(server.url, name, { protocol: 2, ...options });
    pool.track(created);
    return created;
  };

  beforeEach(async () => {
    server = await FakeChannelServer.start();
  });
  afterEach(async () => {
    await pool.closeAll();
    await server.close();
  });

  it('sends "protocol":2 in its hello only when asked, and exposes the welcome\'s channels', async () => {
    server.addChannel('build', 'CI talk', false, 'bob', ['alice', 'bob']);
    const v1 = await online(makeClient(server.url, 'old'));
    pool.track(v1);
    const alice = await online(client('alice'));
    const [v1Hello, v2Hello] = server.sent.filter((frame) => frame.type === 'hello');
    assert.equal(v1Hello?.protocol, undefined);
    assert.equal(v2Hello?.protocol, 2);
    assert.deepEqual(v1.channels, []);
    assert.deepEqual([v1.protocol, alice.protocol], [1, 2]);
    assert.deepEqual(
      alice.channels.map((channel) => [channel.name, channel.topic, channel.members, channel.unread]),
      [
        ['build', 'CI talk', 2, 0],
        ['general', '', 2, 0],
      ],
    );
  });

  it('counts unread messages and mentions per conversation, clears them for our own message and for a read from another device', async () => {
    server.addChannel('build', '', false, 'bob', ['alice', 'bob']);
    const alice = await online(client('alice'));
    const bob = await online(client('bob'));
    let changes = 0;
    alice.on('conversations', () => changes++);

    bob.send('green again', build);
    bob.send('@alice can you look?', build);
    bob.send('psst', 'alice');
    await nextEvent(alice, 'message', (message) => message.text === 'psst');
    assert.deepEqual(alice.readCounts(build), { unread: 2, mentions: 1, lastRead: 0 });
    assert.deepEqual(alice.readCounts({ kind: 'direct', with: 'BOB' }), { unread: 1, mentions: 0, lastRead: 0 });
    assert.deepEqual(alice.direct.map((direct) => direct.with), ['bob']);
    assert.equal(alice.readCounts(GENERAL)?.unread, 0);
    assert.ok(changes >= 3, `a change event per message (${changes})`);

    const reply = alice.send('looking', build);
    await nextEvent(alice, 'sent', (message) => message === reply);
    assert.deepEqual(alice.readCounts(build), { unread: 0, mentions: 0, lastRead: reply.seq });

    // Another device of alice's read the direct conversation: the server tells this one.
    const read = nextEvent(alice, 'read');
    server.push('alice', { type: 'read', with: 'bob', seq: 3, unread: 0, mentions: 0 });
    assert.equal((await read)[0].with, 'bob');
    assert.deepEqual(alice.readCounts({ kind: 'direct', with: 'bob' }), { unread: 0, mentions: 0, lastRead: 3 });
  });

  it('does not count the messages a welcome replays twice: its numbers already hold them', async () => {
    server.addChannel('build', '', false, 'bob', ['alice', 'bob']);
    const bob = await online(client('bob'));
    const sent = bob.send('@alice while you were away', build);
    await nextEvent(bob, 'sent', (message) => message === sent);
    const alice = await online(client('alice'));
    assert.deepEqual(alice.readCounts(build), { unread: 1, mentions: 1, lastRead: 0 });
  });

  it('create, join, invite, topic, leave: each resolves with its channel event, and the channel list follows', async () => {
    server.addChannel('random', 'anything', false, 'bob', ['bob']);
    const alice = await online(client('alice'));
    const bob = await online(client('bob'));

    const created = await alice.createChannel('ops', { private: true, topic: 'pager' });
    assert.equal(created.event, 'created');
    assert.deepEqual(alice.channels.map((channel) => channel.name), ['general', 'ops']);
    assert.equal(alice.channels[1]?.private, true);

    const bobSees = nextEvent(bob, 'channel', (event) => event.event === 'joined');
    const invited = await alice.inviteToChannel('ops', 'bob');
    assert.deepEqual([invited.event, invited.name, invited.channel.members], ['joined', 'bob', 2]);
    assert.equal(alice.channels.find((channel) => channel.name === 'ops')?.members, 2, 'the member count follows');
    await bobSees;
    assert.ok(bob.channels.some((channel) => channel.name === 'ops'), 'the invited one is in it now');

    const topic = await bob.setTopic('ops', 'pager duty');
    assert.equal(topic.event, 'topic');
    await until(() => alice.channels.find((channel) => channel.name === 'ops')?.topic === 'pager duty', "alice sees bob's topic");

    assert.equal((await alice.joinChannel('random')).event, 'joined');
    assert.deepEqual(alice.channels.map((channel) => channel.name), ['general', 'ops', 'random']);
    assert.equal((await alice.leaveChannel('random')).event, 'left');
    assert.deepEqual(alice.channels.map((channel) => channel.name), ['general', 'ops']);
    assert.equal(await codeOf(alice.leaveChannel('random')), 'NOT_A_MEMBER');
    assert.equal(await codeOf(bob.createChannel('ops')), 'CHANNEL_EXISTS');

    const browsed = await alice.browseChannels();
    assert.deepEqual(
      browsed.channels.map((channel) => [channel.name, channel.joined]),
      [
        ['general', true],
        ['random', false],
        ['ops', true],
      ],
    );
    assert.deepEqual((await alice.channelMembers('ops')).members, ['alice', 'bob']);
  });

  it('renames keep the channel\'s counts under its new name; archiving takes it out of the list', async () => {
    server.addChannel('build', '', false, 'bob', ['alice', 'bob']);
    const alice = await online(client('alice'));
    const bob = await online(client('bob'));
    bob.send('one', build);
    await nextEvent(alice, 'message');
    const info = { topic: '', private: false, members: 2, createdBy: 'bob' };
    server.push('alice', { type: 'channel', event: 'renamed', channel: { name: 'ci', ...info }, previous: 'build', by: 'bob' });
    await nextEvent(alice, 'channel');
    assert.equal(alice.readCounts(build), undefined);
    assert.equal(alice.readCounts({ kind: 'channel', channel: 'ci' })?.unread, 1);
    server.push('alice', { type: 'channel', event: 'archived', channel: { name: 'ci', ...info, archived: true }, by: 'bob' });
    await nextEvent(alice, 'channel');
    assert.deepEqual(alice.channels.map((channel) => channel.name), ['general']);
  });

  it('markRead sends the conversation and seq and resolves with the read frame, which sets the counts', async () => {
    server.addChannel('build', '', false, 'bob', ['alice', 'bob']);
    const alice = await online(client('alice'));
    const bob = await online(client('bob'));
    bob.send('a', build);
    bob.send('b', build);
    const [last] = await nextEvent(alice, 'message', (message) => message.text === 'b');
    const read = await alice.markRead(build, last.seq - 1);
    assert.deepEqual([read.channel, read.seq, read.unread], ['build', last.seq - 1, 1]);
    assert.deepEqual(alice.readCounts(build), { unread: 1, mentions: 0, lastRead: last.seq - 1 });
    await alice.markRead({ kind: 'direct', with: 'bob' }, 0);
    assert.deepEqual(
      server.sent.filter((frame) => frame.type === 'read').map(({ channel, with: person, seq }) => ({ channel, with: person, seq })),
      [
        { channel: 'build', with: undefined, seq: last.seq - 1 },
        { channel: undefined, with: 'bob', seq: 0 },
      ],
    );
  });

  it('sends to, asks history of and types in a conversation, and a message re-sent after a drop keeps its channel', async () => {
    server.addChannel('build', '', false, 'bob', ['alice', 'bob']);
    const control = new SocketControl();
    const alice = await online(client('alice', { createSocket: control.create }));
    const bob = await online(client('bob'));

    control.cutOnSay = true;
    const message = alice.send('after the drop', build);
    assert.equal(message.channel, 'build');
    const [arrived] = await nextEvent(bob, 'message', (m) => m.text === 'after the drop');
    assert.equal(arrived.channel, 'build');
    const says = control.sent.filter((frame) => frame.type === 'say');
    assert.deepEqual(says.map((frame) => [frame.id, frame.channel, frame.to]), [
      [message.id, 'build', undefined],
      [message.id, 'build', undefined],
    ]);

    void alice.requestHistory({ conversation: build, limit: 5 }).catch(() => undefined);
    const typing = nextEvent(bob, 'typing');
    alice.sendTyping(build);
    alice.sendTyping({ kind: 'direct', with: 'bob' });
    await until(() => control.sent.filter((frame) => frame.type === 'typing').length === 2, 'both typing notices are sent');
    const history = control.sent.find((frame) => frame.type === 'history');
    assert.deepEqual([history?.channel, history?.with, history?.limit], ['build', undefined, 5]);
    const typings = control.sent.filter((frame) => frame.type === 'typing');
    assert.deepEqual(typings.map(({ channel, to }) => ({ channel, to })), [{ channel: 'build', to: undefined }, { channel: undefined, to: 'bob' }]);
    server.push('bob', { type: 'typing', from: 'alice', channel: 'build' });
    const [from, to, conversation] = await typing;
    assert.deepEqual([from, to, conversation], ['alice', undefined, build]);
  });

  it('refuses names no channel or user can have at once, with the server\'s codes, sending nothing', async () => {
    const alice = await online(client('alice'));
    const before = server.sent.length;
    const longTopic = 't'.repeat(251);
    assert.deepEqual(
      await Promise.all([
        codeOf(alice.joinChannel('Build')),
        codeOf(alice.leaveChannel('#build')),
        codeOf(alice.channelMembers('')),
        codeOf(alice.setTopic('build', longTopic)),
        codeOf(alice.createChannel('no spaces')),
        codeOf(alice.createChannel('ok', { topic: longTopic })),
        codeOf(alice.renameChannel('build', 'x'.repeat(33))),
        codeOf(alice.inviteToChannel('build', 'no/name')),
        codeOf(alice.markRead({ kind: 'channel', channel: 'BUILD' }, 1)),
        codeOf(alice.requestHistory({ conversation: { kind: 'channel', channel: 'a b' } })),
      ]),
      ['UNKNOWN_CHANNEL', 'UNKNOWN_CHANNEL', 'UNKNOWN_CHANNEL', 'BAD_CHANNEL', 'BAD_CHANNEL', 'BAD_CHANNEL', 'BAD_CHANNEL', 'UNKNOWN_USER', 'UNKNOWN_CHANNEL', 'UNKNOWN_CHANNEL'],
    );
    assert.throws(() => alice.sendTyping({ kind: 'channel', channel: 'Nope' }), (error: RelayError) => error.code === 'UNKNOWN_CHANNEL');
    const failed = nextEvent(alice, 'failed');
    const message = alice.send('hi', { kind: 'channel', channel: 'no such' });
    assert.equal((await failed)[0], message);
    assert.equal(message.error?.code, 'UNKNOWN_CHANNEL');
    await delay(50);
    assert.equal(server.sent.length, before, 'nothing went on the wire');
  });
});

describe('client: RelayClient protocol 2 replies matched by ref', () => {
  let wss: WebSocketServer;
  const pool = new ClientPool();
  const frames: Array<Record<string, unknown>> = [];

  beforeEach(async () => {
    frames.length = 0;
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => wss.once('listening', resolve));
  });
  afterEach(async () => {
    await pool.closeAll();
    for (const socket of wss.clients) socket.terminate();
    await new Promise((resolve) => wss.close(resolve));
  });

  it('matches replies to requests by ref, not by order, and a channel event without a ref answers nothing', async () => {
    const info = (name: string, members: number) => ({ name, topic: '', private: false, members });
    wss.on('connection', (socket) => {
      const held: Array<Record<string, unknown>> = [];
      socket.on('message', (data: Buffer) => {
        const frame = JSON.parse(data.toString());
        frames.push(frame);
        if (frame.type === 'hello') {
          socket.send(JSON.stringify({ type: 'welcome', name: 'alice', session: 't', token: 't', users: ['alice'], messages: [], seq: 0, protocol: 2, channels: [], direct: [] }));
          return;
        }
        held.push(frame);
        if (held.length < 3) return;
        // News from elsewhere first, which looks like the join's answer but has no ref.
        socket.send(JSON.stringify({ type: 'channel', event: 'joined', channel: info('build', 3), name: 'bob', by: 'bob' }));
        const [join, members, bad] = held as [Record<string, string>, Record<string, string>, Record<string, string>];
        socket.send(JSON.stringify({ type: 'error', code: 'NOT_A_MEMBER', message: 'you are not in #ops', ref: bad.ref }));
        socket.send(JSON.stringify({ type: 'members', channel: 'build', members: ['alice', 'bob'], ref: members.ref }));
        socket.send(JSON.stringify({ type: 'channel', event: 'joined', channel: info('build', 2), name: 'alice', by: 'alice', ref: join.ref }));
      });
    });
    const alice = makeClient(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, 'alice', { protocol: 2 });
    pool.track(alice);
    await online(alice);
    const events: string[] = [];
    alice.on('channel', (event) => events.push(`${event.event} ${event.name} ${event.ref === undefined ? 'news' : 'reply'}`));
    const [joined, members, refused] = await Promise.all([
      alice.joinChannel('build'),
      alice.channelMembers('build'),
      codeOf(alice.inviteToChannel('ops', 'carol')),
    ]);
    assert.deepEqual([joined.name, joined.channel.members], ['alice', 2]);
    assert.deepEqual(members.members, ['alice', 'bob']);
    assert.equal(refused, 'NOT_A_MEMBER');
    assert.deepEqual(events, ['joined bob news', 'joined alice reply']);
    const refs = frames.filter((frame) => frame.type !== 'hello').map((frame) => frame.ref);
    assert.equal(new Set(refs).size, 3, 'each request has a ref of its own');
    assert.deepEqual(alice.channels.map((channel) => [channel.name, channel.members]), [['build', 2]]);
  });
});

describe('client: RelayClient protocol 1 against the real server', () => {
  let server: RelayServer;
  const pool = new ClientPool();
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    await pool.closeAll();
    await server.close();
  });

  it('by default sends no protocol, has no channels (their requests are refused at once), and a message sent to #general reaches the group', async () => {
    const control = new SocketControl();
    const alice = await online(makeClient(server.url, 'alice', { createSocket: control.create }));
    const bob = await online(makeClient(server.url, 'bob'));
    pool.track(alice, bob);
    assert.equal(control.sent[0]?.protocol, undefined);
    assert.deepEqual(alice.channels, []);
    assert.deepEqual(await Promise.all([codeOf(alice.browseChannels()), codeOf(alice.markRead(GENERAL, 1))]), ['NOT_SUPPORTED', 'NOT_SUPPORTED']);
    assert.ok(!control.sent.some((frame) => frame.type === 'channels' || frame.type === 'read'), 'nothing the session cannot answer is sent');
    const arrived = nextEvent(bob, 'message');
    alice.send('to everyone', GENERAL);
    const [message] = await arrived;
    assert.equal(message.text, 'to everyone');
    assert.equal(message.to, undefined);
  });
});
