import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { RelayError, type ConnectionState } from '../../../client/relay-client';
import { createNodeSocket } from '../../../client/socket';
import type { RelayServer } from '../../../server';
import { sendControlRequest } from '../../../server/control/control-client';
import { controlSocketPath } from '../../../server/control/control-protocol';
import { startTestServer, tempDir } from '../../support/server';
import { ClientPool, delay, makeClient, nextEvent, online, recordMessages, SocketControl, until } from './helpers';

/** Longer than several reconnect attempts of a test client (20..100 ms). */
const NO_RECONNECT_WINDOW_MS = 300;

describe('client: RelayClient against a real server', () => {
  let server: RelayServer;
  const pool = new ClientPool(() => server.url);
  const servers: RelayServer[] = [];
  const client = pool.client;

  beforeEach(async () => {
    server = await startTestServer();
    servers.push(server);
  });
  afterEach(async () => {
    await pool.closeAll();
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('welcomes, issues a session, and carries group and private messages between two clients', async () => {
    const alice = client('alice');
    const sessions: string[] = [];
    alice.on('session', (session) => sessions.push(session));
    await online(alice);
    assert.equal(alice.state, 'online');
    assert.ok(alice.session);
    assert.deepEqual(sessions, [alice.session]);
    const aliceGot = recordMessages(alice);

    const bobJoined = nextEvent(alice, 'presence', (name, isOnline) => name === 'Bob' && isOnline);
    const bob = await online(client('Bob'));
    await bobJoined;
    assert.deepEqual([...alice.onlineUsers].sort(), ['Bob', 'alice']);
    const bobGot = recordMessages(bob);

    const delivered = nextEvent(bob, 'message');
    const sent = alice.send('hi all');
    assert.equal(sent.status, 'sending');
    const [acked] = await nextEvent(alice, 'sent');
    assert.equal(acked, sent);
    assert.equal(sent.status, 'sent');
    const [groupMessage] = await delivered;
    assert.equal(groupMessage.text, 'hi all');
    assert.equal(groupMessage.from, 'alice');
    assert.equal(groupMessage.to, undefined);
    assert.equal(groupMessage.seq, sent.seq);

    const privately = nextEvent(alice, 'message');
    bob.send('psst', 'ALICE');
    const [privateMessage] = await privately;
    assert.equal(privateMessage.to, 'alice');
    assert.equal(privateMessage.from, 'Bob');
    // The sender gets an ack, never a copy of its own message.
    assert.deepEqual(aliceGot.map((m) => m.text), ['psst']);
    assert.deepEqual(bobGot.map((m) => m.text), ['hi all']);
  });

  it('queues what is sent before connecting or while offline, and delivers each message once', async () => {
    const bob = await online(client('bob'));
    const bobGot = recordMessages(bob);
    const control = new SocketControl();
    const alice = client('alice', { createSocket: control.create });
    const aliceGot = recordMessages(alice);
    const early = [alice.send('one'), alice.send('two')];
    assert.deepEqual(early.map((m) => m.status), ['queued', 'queued']);
    assert.equal(alice.pending.length, 2);
    await online(alice);
    await until(() => bobGot.length === 2, 'bob has both early messages');

    const offline = nextEvent(alice, 'state', (state) => state === 'offline');
    control.cut();
    await offline;
    const late = alice.send('three');
    assert.equal(late.status, 'queued');
    await nextEvent(alice, 'sent', (m) => m.id === late.id);
    const marker = alice.send('marker');
    // Bob's copy and alice's ack leave the server together; either may arrive first.
    await Promise.all([nextEvent(bob, 'message', (m) => m.id === marker.id), nextEvent(alice, 'sent', (m) => m.id === marker.id)]);
    assert.deepEqual(bobGot.map((m) => m.text), ['one', 'two', 'three', 'marker']);
    assert.equal(alice.pending.length, 0);
    // The resume welcome holds alice's acked messages; they were reported through 'sent' already.
    assert.deepEqual(aliceGot, []);
  });

  it('reconnectNow() cuts a long backoff short and sends what was queued offline, once', async () => {
    const bob = await online(client('bob'));
    const bobGot = recordMessages(bob);
    const control = new SocketControl();
    // A wait far longer than this test may take: only reconnectNow() can bring alice back in time.
    const alice = client('alice', { createSocket: control.create, reconnect: { initialDelayMs: 60_000, maxDelayMs: 60_000 } });
    await online(alice);
    const offline = nextEvent(alice, 'state', (state) => state === 'offline');
    control.cut();
    const [, detail] = await offline;
    assert.ok((detail?.retryInMs ?? 0) >= 30_000);
    const queued = alice.send('while away');
    const welcomed = nextEvent(alice, 'welcome');
    alice.reconnectNow();
    await welcomed;
    await nextEvent(alice, 'sent', (m) => m.id === queued.id);
    await until(() => bobGot.length === 1, 'bob has the queued message');
    assert.deepEqual(bobGot.map((m) => m.text), ['while away']);
    // Online, it does nothing: no second connection.
    alice.reconnectNow();
    await delay(NO_RECONNECT_WINDOW_MS);
    assert.equal(control.sockets.length, 2);
  });

  it('resumes after a dropped connection: what was missed arrives once, in order, nothing twice', async () => {
    const control = new SocketControl();
    // A slower reconnect leaves a window in which bob's messages are missed live.
    const alice = await online(client('alice', { createSocket: control.create, reconnect: { initialDelayMs: 300, maxDelayMs: 300 } }));
    const aliceGot = recordMessages(alice);
    const bob = await online(client('bob'));
    bob.send('before');
    await nextEvent(alice, 'message');

    const offline = nextEvent(alice, 'state', (state) => state === 'offline');
    control.cut();
    const [, detail] = await offline;
    assert.ok(detail?.retryInMs !== undefined && detail.retryInMs > 0);
    bob.send('during 1');
    bob.send('during 2');
    const [, info] = await nextEvent(alice, 'welcome');
    assert.equal(info.resumed, true);
    bob.send('after');
    await until(() => aliceGot.length === 4, 'alice has four messages');
    await delay(50);
    assert.deepEqual(aliceGot.map((m) => m.text), ['before', 'during 1', 'during 2', 'after']);
    const seqs = aliceGot.map((m) => m.seq);
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b));
    assert.equal(new Set(seqs).size, 4);
    assert.equal(alice.lastSeq, seqs.at(-1));
  });

  it('asks sessionFor before every hello, so each connection sends the session found for the server then', async () => {
    const control = new SocketControl();
    let saved: string | undefined;
    const asked: string[] = [];
    const alice = client('alice', {
      createSocket: control.create,
      sessionFor: async (name) => {
        asked.push(name);
        return saved;
      },
    });
    alice.on('session', (session) => (saved = session));
    await online(alice);
    control.cut();
    const [, info] = await nextEvent(alice, 'welcome');
    assert.equal(info.resumed, true, 'the second hello carried the session');
    assert.deepEqual(asked, ['alice', 'alice']);

    const failing = client('bob', { sessionFor: () => Promise.reject(new Error('no file')) });
    failing.connect();
    const [, detail] = await nextEvent(failing, 'state', (state) => state === 'offline');
    assert.match(detail?.error ?? '', /could not look up the session: no file/);
  });

  it('comes back after a server restart on the same data folder, keeping the session and every message', async () => {
    const data = tempDir();
    try {
      await server.close();
      servers.length = 0;
      const first = await startTestServer({ dataDir: data.path });
      server = first;
      servers.push(first);
      const alice = await online(client('alice'));
      const bob = await online(client('bob'));
      const bobGot = recordMessages(bob);
      const session = alice.session;
      alice.send('one');
      await nextEvent(bob, 'message');

      const bobDown = nextEvent(bob, 'state', (state, detail) => state === 'offline' && /shutting down/.test(detail?.error ?? ''));
      await first.close();
      await bobDown;
      const queued = alice.send('sent while the server was down');
      assert.equal(queued.status, 'queued');

      servers.push(await startTestServer({ dataDir: data.path, port: first.port }));
      await nextEvent(alice, 'sent', (m) => m.id === queued.id);
      await until(() => bobGot.length === 2, 'bob has both messages');
      await delay(50);
      assert.deepEqual(bobGot.map((m) => m.text), ['one', 'sent while the server was down']);
      assert.equal(alice.session, session);
    } finally {
      await pool.closeAll();
      data.remove();
    }
  });

  it('re-sends a message whose ack was lost with the same id; it is stored and delivered once', async () => {
    const control = new SocketControl();
    const alice = await online(client('alice', { createSocket: control.create }));
    const aliceGot = recordMessages(alice);
    const bob = await online(client('bob'));
    const bobGot = recordMessages(bob);
    const sentEvents: string[] = [];
    alice.on('sent', (m) => sentEvents.push(m.id));

    control.cutOnAck = true;
    const once = alice.send('only once');
    await nextEvent(alice, 'sent', (m) => m.id === once.id);
    assert.equal(control.sockets.length, 2, 'the ack was hidden and the connection cut');
    // The server keeps order, so a duplicate of the first message would arrive before this one.
    const markerSent = nextEvent(alice, 'sent', (m) => m.text === 'marker');
    const marker = alice.send('marker');
    // Bob's copy and alice's ack are sent in no fixed order: wait for both.
    await Promise.all([nextEvent(bob, 'message', (m) => m.id === marker.id), markerSent]);
    assert.deepEqual(bobGot.map((m) => m.text), ['only once', 'marker']);
    assert.equal(bobGot[0]!.seq, once.seq);
    assert.deepEqual(sentEvents, [once.id, marker.id]);
    assert.deepEqual(aliceGot, [], 'her own message is reported as sent, not as a message');
  });

  it('re-sends a message that was lost in a drop before the server got it', async () => {
    const control = new SocketControl();
    const alice = await online(client('alice', { createSocket: control.create }));
    const bob = await online(client('bob'));
    const bobGot = recordMessages(bob);
    control.cutOnSay = true;
    const lost = alice.send('lost on the way');
    await nextEvent(alice, 'sent', (m) => m.id === lost.id);
    assert.equal(control.sockets.length, 2);
    await until(() => bobGot.length === 1, 'bob has the message');
    assert.equal(bobGot[0]!.id, lost.id);
  });

  it('stops for good when the name is taken or not a valid name', async () => {
    const owner = await online(client('carol'));
    await owner.close();

    const control = new SocketControl();
    const impostor = client('CAROL', { createSocket: control.create });
    const refused = nextEvent(impostor, 'refused');
    const closed = nextEvent(impostor, 'state', (state) => state === 'closed');
    impostor.connect();
    const [code] = await refused;
    assert.equal(code, 'NAME_TAKEN');
    const [, detail] = await closed;
    assert.match(detail?.error ?? '', /NAME_TAKEN/);
    await delay(NO_RECONNECT_WINDOW_MS);
    assert.equal(control.sockets.length, 1);
    assert.equal(impostor.state, 'closed');
    assert.throws(() => impostor.connect(), /closed/);

    const badControl = new SocketControl();
    const bad = client('not a name!', { createSocket: badControl.create });
    const badRefused = nextEvent(bad, 'refused');
    bad.connect();
    assert.equal((await badRefused)[0], 'BAD_NAME');
    await delay(NO_RECONNECT_WINDOW_MS);
    assert.equal(badControl.sockets.length, 1);
    assert.equal(bad.state, 'closed');
  });

  it('does not reconnect when a newer connection of the same user takes over (4002)', async () => {
    const control = new SocketControl();
    const first = await online(client('dave', { createSocket: control.create }));
    const replaced = nextEvent(first, 'state', (state) => state === 'closed');
    const second = await online(client('dave', { session: first.session! }));
    const [, detail] = await replaced;
    assert.match(detail?.error ?? '', /replaced/);
    await delay(NO_RECONNECT_WINDOW_MS);
    assert.equal(control.sockets.length, 1);
    assert.equal(first.state, 'closed');
    assert.equal(second.state, 'online');
  });

  it('stays signed out when the server releases its name (4004), instead of taking the name back', async () => {
    const data = tempDir();
    try {
      const withData = await startTestServer({ dataDir: data.path });
      servers.push(withData);
      const control = new SocketControl();
      const erin = await online(makeClient(withData.url, 'erin', { createSocket: control.create }));
      const closed = nextEvent(erin, 'state', (state) => state === 'closed');
      const reply = await sendControlRequest(controlSocketPath(data.path), { command: 'admin', action: { kind: 'user-remove', name: 'erin' } });
      assert.equal(reply?.ok, true);
      const [, detail] = await closed;
      assert.match(detail?.error ?? '', /signed out by the server: .*released/);
      await delay(NO_RECONNECT_WINDOW_MS);
      assert.equal(control.sockets.length, 1, 'no reconnect');
    } finally {
      data.remove();
    }
  });

  it('answers history requests, matching concurrent answers to their requests, and rejects unknown users', async () => {
    const alice = await online(client('alice'));
    const bob = await online(client('bob'));
    for (const text of ['g1', 'g2', 'g3']) alice.send(text);
    const secret = alice.send('just for bob', 'bob');
    await nextEvent(alice, 'sent', (m) => m.id === secret.id);

    const [group, conversation] = await Promise.all([
      bob.requestHistory({ limit: 2 }),
      bob.requestHistory({ with: 'ALICE' }),
    ]);
    assert.deepEqual(group.messages.map((m) => m.text), ['g2', 'g3']);
    assert.equal(group.more, true);
    assert.equal(conversation.with, 'alice');
    assert.deepEqual(conversation.messages.map((m) => m.text), ['just for bob']);

    const older = await bob.requestHistory({ before: group.messages[0]!.seq });
    assert.deepEqual(older.messages.map((m) => m.text), ['g1']);
    assert.equal(older.more, false);

    await assert.rejects(bob.requestHistory({ with: 'nobody' }), (error: RelayError) => error.code === 'UNKNOWN_USER');
    await assert.rejects(bob.requestHistory({ with: 'not a name' }), (error: RelayError) => error.code === 'UNKNOWN_USER');
    const offline = makeClient(server.url, 'erin');
    await assert.rejects(offline.requestHistory({}), (error: RelayError) => error.code === 'OFFLINE');
  });

  it('reports refused messages (locally checked or by the server) and can retry them', async () => {
    const alice = await online(client('alice'));
    const failures: Array<[string, string | undefined]> = [];
    alice.on('failed', (m) => failures.push([m.id, m.error?.code]));

    const tooLong = alice.send('x'.repeat(4001));
    const blank = alice.send('   ');
    await until(() => failures.length === 2, 'both local refusals are reported');
    assert.deepEqual(failures, [
      [tooLong.id, 'TOO_LONG'],
      [blank.id, 'BAD_FRAME'],
    ]);
    assert.equal(tooLong.status, 'failed');

    const toGhost = alice.send('are you there?', 'ghost');
    const [refused] = await nextEvent(alice, 'failed', (m) => m.id === toGhost.id);
    assert.equal(refused.error?.code, 'UNKNOWN_USER');

    const ghost = await online(client('ghost'));
    const delivered = nextEvent(ghost, 'message');
    alice.retry(toGhost.id);
    await nextEvent(alice, 'sent', (m) => m.id === toGhost.id);
    assert.equal((await delivered)[0].text, 'are you there?');
    assert.throws(() => alice.retry(toGhost.id), /no failed message/);
  });

  it('slows down when the server is stricter than its pace, and still delivers everything once, in order', async () => {
    await server.close();
    servers.length = 0;
    server = await startTestServer({ rateLimit: { burst: 3, perSecond: 50 } });
    servers.push(server);
    const bob = await online(client('bob'));
    const bobGot = recordMessages(bob);
    const alice = await online(client('alice', { rateLimit: { burst: 30, perSecond: 100 } }));
    const states: ConnectionState[] = [];
    alice.on('state', (state) => states.push(state));
    const texts = Array.from({ length: 20 }, (_, i) => `m${i}`);
    for (const text of texts) alice.send(text);
    await until(() => alice.pending.length === 0, 'every message is acked');
    const marker = alice.send('marker');
    await nextEvent(bob, 'message', (m) => m.id === marker.id);
    assert.deepEqual(bobGot.map((m) => m.text), [...texts, 'marker']);
    assert.deepEqual(states, [], 'the connection never dropped');
  });

  it('sends typing notices, at most one per conversation every two seconds', async () => {
    const alice = await online(client('alice'));
    const bob = await online(client('bob'));
    const typing: Array<[string, string | undefined]> = [];
    alice.on('typing', (from, to) => typing.push([from, to]));
    bob.sendTyping();
    bob.sendTyping();
    bob.sendTyping('alice');
    bob.sendTyping('alice');
    const marker = bob.send('marker');
    await nextEvent(alice, 'message', (m) => m.id === marker.id);
    assert.deepEqual(typing, [
      ['bob', undefined],
      ['bob', 'alice'],
    ]);
    assert.throws(() => bob.sendTyping('no way'), /no user can be named/);
  });

  it('resumes from lastSeq after a process restart', async () => {
    const alice = await online(client('alice'));
    const bob = await online(client('bob'));
    bob.send('seen before the restart');
    await nextEvent(alice, 'message');
    const { session, lastSeq } = alice;
    await alice.close();
    const missed = bob.send('missed while closed');
    await nextEvent(bob, 'sent');

    const restarted = client('alice', { session: session!, lastSeq: lastSeq! });
    const got = recordMessages(restarted);
    const welcomed = nextEvent(restarted, 'welcome');
    restarted.connect();
    const [, info] = await welcomed;
    assert.equal(info.resumed, true);
    assert.deepEqual(got.map((m) => m.id), [missed.id]);
  });

  it('close() ends the connection for good; a message sent afterwards fails', async () => {
    const control = new SocketControl();
    const alice = await online(client('alice', { createSocket: control.create }));
    const closed = nextEvent(alice, 'state', (state) => state === 'closed');
    await alice.close();
    await closed;
    const late = alice.send('too late');
    const [failed] = await nextEvent(alice, 'failed');
    assert.equal(failed, late);
    assert.equal(late.error?.code, 'CLOSED');
    await delay(NO_RECONNECT_WINDOW_MS);
    assert.equal(control.sockets.length, 1);
  });
});

describe('client: RelayClient with a misbehaving server', () => {
  let wss: WebSocketServer;
  let url: string;
  const pool = new ClientPool();

  beforeEach(async () => {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => wss.once('listening', resolve));
    url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await pool.closeAll();
    for (const socket of wss.clients) socket.terminate();
    await new Promise((resolve) => wss.close(resolve));
  });

  it('reports invalid frames as errors and keeps working', async () => {
    wss.on('connection', (socket) => {
      socket.once('message', () => {
        socket.send('not json');
        socket.send(JSON.stringify({ type: 'surprise' }));
        socket.send(Buffer.from([1, 2, 3]));
        socket.send(JSON.stringify({ type: 'welcome', name: 'alice', session: 's', users: ['alice'], messages: [], seq: 0 }));
        socket.send(JSON.stringify({ type: 'message', seq: 1, id: 'x', from: 'bob', text: 'still here', ts: 1 }));
      });
    });
    const alice = makeClient(url, 'alice');
    pool.track(alice);
    const errors: string[] = [];
    alice.on('error', (error) => errors.push(error.code));
    const message = nextEvent(alice, 'message');
    alice.connect();
    assert.equal((await message)[0].text, 'still here');
    assert.deepEqual(errors, ['BAD_FRAME', 'BAD_FRAME', 'BAD_FRAME']);
  });

  it('re-sends only the say a RATE_LIMITED error names, with the same id, and leaves history requests alone', async () => {
    const frames: Array<{ type: string; id?: string }> = [];
    wss.on('connection', (socket) => {
      let refusedOnce = false;
      socket.on('message', (data: Buffer) => {
        const frame = JSON.parse(data.toString());
        frames.push(frame);
        if (frame.type === 'hello') {
          socket.send(JSON.stringify({ type: 'welcome', name: 'alice', session: 's', users: ['alice'], messages: [], seq: 0 }));
        } else if (frame.type === 'say' && !refusedOnce) {
          refusedOnce = true;
          socket.send(JSON.stringify({ type: 'error', code: 'RATE_LIMITED', message: 'slow down', id: frame.id }));
        } else if (frame.type === 'say') {
          socket.send(JSON.stringify({ type: 'ack', id: frame.id, seq: 1, ts: 1 }));
        }
        // History requests stay unanswered: the test checks they are not sent twice.
      });
    });
    const alice = makeClient(url, 'alice');
    pool.track(alice);
    const problems: string[] = [];
    alice.on('failed', (message) => problems.push(`failed ${message.error?.code}`));
    alice.on('error', (error) => problems.push(`error ${error.code}`));
    await online(alice);
    const history = alice.requestHistory({}).catch((error: RelayError) => error.code);
    const message = alice.send('hello');
    const [sent] = await nextEvent(alice, 'sent');
    assert.equal(sent, message);
    const says = frames.filter((frame) => frame.type === 'say');
    assert.deepEqual(says.map((frame) => frame.id), [message.id, message.id]);
    assert.equal(frames.filter((frame) => frame.type === 'history').length, 1);
    assert.deepEqual(problems, []);
    await alice.close();
    assert.equal(await history, 'CLOSED');
  });

  it('bounds and cleans what the server writes before it goes into events, states and errors', async () => {
    const hostile = `\x1b[2J\x1b]0;owned\x07${'x'.repeat(100_000)}`;
    const clean = (text: string | undefined): void => {
      assert.ok(text !== undefined && text.length <= 250 && !/[\x00-\x1f]/.test(text), JSON.stringify(text?.slice(0, 50)));
    };
    let connection = 0;
    wss.on('connection', (socket) => {
      connection++;
      socket.once('message', () => {
        if (connection === 1) {
          socket.send(JSON.stringify({ type: 'welcome', name: 'alice', session: 's', users: ['alice'], messages: [], seq: 0 }));
          socket.send(JSON.stringify({ type: 'error', code: 'INTERNAL', message: hostile }));
          socket.send(JSON.stringify({ type: 'error', code: 'UNKNOWN_USER', message: hostile }));
          socket.close(4000, '\x1b[31mred\nline');
        } else {
          socket.send(JSON.stringify({ type: 'error', code: 'NAME_TAKEN', message: hostile }));
          socket.close(4001, 'refused');
        }
      });
    });
    const alice = makeClient(url, 'alice');
    pool.track(alice);
    const errors: string[] = [];
    alice.on('error', (error) => errors.push(error.message));
    const offline = nextEvent(alice, 'state', (state) => state === 'offline');
    const refused = nextEvent(alice, 'refused');
    const closed = nextEvent(alice, 'state', (state) => state === 'closed');
    alice.connect();
    const [, lost] = await offline;
    clean(lost?.error);
    assert.match(lost?.error ?? '', /\uFFFD\[31mred\uFFFDline/);
    const [, refusal] = await refused;
    clean(refusal);
    const [, final] = await closed;
    clean(final?.error);
    assert.ok(errors.length >= 1);
    for (const message of errors) clean(message);
  });

  it('emits each seq once and in order, even when the server repeats one', async () => {
    const message = (seq: number) => ({ type: 'message', seq, id: `m${seq}`, from: 'bob', text: `text ${seq}`, ts: 1 });
    wss.on('connection', (socket) => {
      socket.once('message', () => {
        socket.send(JSON.stringify({ type: 'welcome', name: 'alice', session: 's', users: [], messages: [message(2), message(1)], seq: 2 }));
        for (const seq of [2, 1, 3, 3]) socket.send(JSON.stringify(message(seq)));
      });
    });
    const alice = makeClient(url, 'alice');
    pool.track(alice);
    const got = recordMessages(alice);
    alice.connect();
    await until(() => got.length >= 3, 'three messages arrived');
    await delay(50);
    assert.deepEqual(got.map((m) => m.seq), [1, 2, 3]);
  });

  it('gives up on a connection that is not welcomed in time and tries again', async () => {
    let connections = 0;
    wss.on('connection', () => connections++);
    const alice = makeClient(url, 'alice', { connectTimeoutMs: 100 });
    pool.track(alice);
    const offline = nextEvent(alice, 'state', (state) => state === 'offline');
    alice.connect();
    const [, detail] = await offline;
    assert.match(detail?.error ?? '', /did not welcome us/);
    await until(() => connections >= 2, 'the client tried again');
  });

  it('the Node socket drops a connection whose pings go unanswered, and keeps an answering one', async () => {
    await new Promise((resolve) => wss.close(resolve));
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0, autoPong: false });
    await new Promise((resolve) => wss.once('listening', resolve));
    const silentUrl = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
    const silent = createNodeSocket(silentUrl, { keepaliveMs: 30 });
    const closed = new Promise<number>((resolve) => silent.addEventListener('close', (event) => resolve(event.code)));
    assert.equal(await closed, 1006);

    const healthy = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => healthy.once('listening', resolve));
    const socket = createNodeSocket(`ws://127.0.0.1:${(healthy.address() as AddressInfo).port}`, { keepaliveMs: 30 });
    let closedEarly = false;
    socket.addEventListener('close', () => (closedEarly = true));
    await new Promise<void>((resolve) => socket.addEventListener('open', resolve));
    await delay(200);
    assert.equal(closedEarly, false);
    socket.close();
    for (const client of healthy.clients) client.terminate();
    await new Promise((resolve) => healthy.close(resolve));
  });
});
