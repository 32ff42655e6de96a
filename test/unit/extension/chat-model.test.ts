/**
 * The extension's model (conversations, unread counts, pending messages, presence, typing)
 * driven by real RelayClients against a real server on a loopback port.
 */
import assert from 'node:assert/strict';
import { createNodeSocket, type WebSocketLike } from '../../../client/socket';
import { RelayClient, type RelayClientOptions } from '../../../client/relay-client';
import { ChatModel, MARK_READ_DELAY_MS } from '../../../extension/model/chat-model';
import { GENERAL } from '../../../extension/model/address';
import { presenceText } from '../../../extension/model/presence-summary';
import type { MessageEntry, TimelineEntry } from '../../../extension/webview-protocol';
import { LIMITS, type CodeAttachment } from '../../../protocol';
import type { RelayServer } from '../../../server';
import { startTestServer } from '../../support/server';

const FAST_RECONNECT = { initialDelayMs: 20, maxDelayMs: 100 };
const NO_PACING = { burst: 5000, perSecond: 5000 };

async function eventually<T>(probe: () => T | undefined | false, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function messages(entries: TimelineEntry[]): MessageEntry[] {
  return entries.filter((entry): entry is MessageEntry => entry.kind === 'message');
}

function texts(entries: TimelineEntry[]): string[] {
  return messages(entries).map((entry) => `${entry.from}: ${entry.text}`);
}

describe('ChatModel against a real server', function () {
  this.timeout(20_000);
  let server: RelayServer;
  const cleanups: Array<() => Promise<void> | void> = [];

  async function start(options: Parameters<typeof startTestServer>[0] = {}): Promise<void> {
    server = await startTestServer(options);
  }

  function client(name: string, options: Partial<RelayClientOptions> = {}): RelayClient {
    const relay = new RelayClient({ url: server.url, name, reconnect: FAST_RECONNECT, ...options });
    cleanups.push(() => relay.close());
    return relay;
  }

  async function online(relay: RelayClient): Promise<RelayClient> {
    relay.connect();
    await eventually(() => relay.state === 'online', `${relay.name} online`);
    return relay;
  }

  async function model(name: string, options: Partial<RelayClientOptions> = {}): Promise<ChatModel> {
    const chat = new ChatModel(client(name, options));
    cleanups.push(() => chat.dispose());
    chat.connect();
    await eventually(() => chat.connection.state === 'online', `${name}'s model online`);
    return chat;
  }

  /** Sends and waits for the ack, so the message is stored before the test goes on. */
  async function say(relay: RelayClient, text: string, to?: string): Promise<void> {
    const outgoing = relay.send(text, to);
    await eventually(() => outgoing.status === 'sent', `ack of "${text}"`);
  }

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await server.close();
  });

  it('sorts history and live messages into their conversations, once each', async () => {
    await start();
    // Alice has been here before (private messages need a known name); she comes back to history.
    const earlier = await online(client('alice'));
    const session = earlier.session;
    await earlier.close();
    const bob = await online(client('bob'));
    await say(bob, 'hello all');
    await say(bob, 'psst alice', 'alice');

    const alice = await model('alice', { session });
    await eventually(() => alice.timeline(GENERAL).length === 1, 'group history');
    assert.deepEqual(texts(alice.timeline(GENERAL)), ['bob: hello all']);
    assert.deepEqual(texts(alice.timeline({ kind: 'direct', with: 'BOB' })), ['bob: psst alice']);
    assert.equal(alice.totalUnread(), 0, 'what was there on arrival is history, not news');

    await say(bob, 'live in the group');
    await say(bob, 'live to alice', 'alice');
    await eventually(() => alice.totalUnread() === 2, 'two unread');
    assert.equal(alice.unreadCount(GENERAL), 1);
    // A protocol-1 session keeps no list of direct conversations: the people with unread messages stand for it.
    assert.deepEqual(
      alice.directConversations().map((user) => [user.name, user.online, user.self, user.unread]),
      [['bob', true, false, 1]],
    );

    // Loading history over what is already held adds nothing twice.
    await alice.loadOlder(GENERAL);
    await alice.loadOlder({ kind: 'direct', with: 'bob' });
    assert.deepEqual(texts(alice.timeline(GENERAL)), ['bob: hello all', 'bob: live in the group']);
    assert.deepEqual(texts(alice.timeline({ kind: 'direct', with: 'bob' })), ['bob: psst alice', 'bob: live to alice']);
    assert.equal(alice.conversation(GENERAL).hasMore, false);
  });

  it('(protocol 2) counts unread messages and mentions as the server keeps them, and reads them there', async () => {
    await start();
    const password = 'a password long enough';
    const alice = await model('alice', { protocol: 2, password });
    // alice's other device: what one reads, the other hears of.
    const phone = await online(client('alice', { protocol: 2, password }));
    const bob = await online(client('bob', { protocol: 2 }));
    const withBob = { kind: 'direct' as const, with: 'bob' };

    await say(bob, 'build is red, @alice');
    await eventually(() => alice.mentionCount(GENERAL) === 1, 'the mention counted');
    assert.equal(alice.unreadCount(GENERAL), 1);
    assert.equal(alice.channels().find((channel) => channel.conversation.channel === 'general')?.mentions, 1);
    await phone.markRead(GENERAL, phone.lastSeq ?? 0);
    await eventually(() => alice.unreadCount(GENERAL) === 0 && alice.mentionCount(GENERAL) === 0, 'read on the phone, cleared here');

    await say(bob, 'psst', 'alice');
    await eventually(() => alice.unreadCount(withBob) === 1 && phone.readCounts(withBob)?.unread === 1, 'one unread on both devices');
    assert.deepEqual(alice.directConversations().map((person) => [person.name, person.unread]), [['bob', 1]]);
    alice.show(withBob);
    assert.equal(alice.unreadCount(withBob), 0, 'shown: read here at once');
    await eventually(() => phone.readCounts(withBob)?.unread === 0, 'shown here, so read on the phone too');

    // A reload starts from the server's numbers: what was read stays read, what was not still counts.
    alice.hide(withBob);
    await say(bob, 'still there?', 'alice');
    await eventually(() => alice.unreadCount(withBob) === 1, 'unread again');
    const reloaded = await model('alice', { protocol: 2, password });
    await eventually(() => reloaded.unreadCount(withBob) === 1, 'the count after a reload');
    assert.equal(reloaded.unreadCount(GENERAL), 0);
  });

  it('(protocol 2) sends no read for a visible conversation with nothing unread, whatever arrives elsewhere', async () => {
    await start();
    const alice = await model('alice', { protocol: 2 });
    const bob = await online(client('bob', { protocol: 2 }));
    const withBob = { kind: 'direct' as const, with: 'bob' };
    await say(bob, 'psst', 'alice');
    await eventually(() => alice.client.readCounts(withBob)?.unread === 1, 'the direct message');
    alice.show(withBob);
    await eventually(() => alice.client.readCounts(withBob)?.unread === 0, 'read on the server');
    const reads: string[] = [];
    const markRead = alice.client.markRead.bind(alice.client);
    alice.client.markRead = (conversation, seq) => {
      reads.push(JSON.stringify(conversation));
      return markRead(conversation, seq);
    };
    await say(bob, 'to everyone but not to the panel on screen');
    await eventually(() => alice.unreadCount(GENERAL) === 1, 'the #general message');
    // Past the debounce a few times over: a read would have gone out (and, answered, another).
    await new Promise((resolve) => setTimeout(resolve, MARK_READ_DELAY_MS * 3));
    assert.deepEqual(reads, []);
  });

  it('does not count what arrives in a visible conversation, and says where unread messages began', async () => {
    await start();
    const bob = await online(client('bob'));
    const alice = await model('alice');
    const received: boolean[] = [];
    alice.onDidReceive((incoming) => received.push(incoming.unread));

    await say(bob, 'first unread');
    await say(bob, 'second unread');
    await eventually(() => alice.unreadCount(GENERAL) === 2, 'two unread');
    const firstKey = messages(alice.timeline(GENERAL))[0]?.key;
    assert.equal(alice.show(GENERAL), firstKey);
    assert.equal(alice.totalUnread(), 0);

    await say(bob, 'seen at once');
    await eventually(() => alice.timeline(GENERAL).length === 3, 'third message');
    assert.equal(alice.unreadCount(GENERAL), 0);
    assert.deepEqual(received, [true, true, false]);

    alice.hide(GENERAL);
    await say(bob, 'unread again');
    await eventually(() => alice.unreadCount(GENERAL) === 1, 'unread after hiding');
  });

  it('shows an own message as pending until its ack, then once as sent', async () => {
    await start();
    const bob = await online(client('bob'));
    const bobReceived: string[] = [];
    bob.on('message', (message) => bobReceived.push(message.text));
    const alice = await model('alice');

    const outgoing = alice.send({ kind: 'direct', with: 'bob' }, 'hi bob');
    const pending = messages(alice.timeline({ kind: 'direct', with: 'bob' }));
    assert.deepEqual(
      pending.map((entry) => [entry.text, entry.mine, entry.seq]),
      [['hi bob', true, undefined]],
    );
    assert.ok(['queued', 'sending'].includes(pending[0]!.status));

    await eventually(() => outgoing.status === 'sent', 'ack');
    const stored = messages(alice.timeline({ kind: 'direct', with: 'bob' }));
    assert.equal(stored.length, 1);
    assert.equal(stored[0]?.status, 'sent');
    assert.equal(stored[0]?.seq, outgoing.seq);
    assert.equal(stored[0]?.key, pending[0]?.key);
    await eventually(() => bobReceived.length === 1, 'bob got it');
    assert.deepEqual(bobReceived, ['hi bob']);
  });

  it('queues what is sent while offline and, after reconnecting, has every message exactly once', async () => {
    await start();
    const bob = await online(client('bob'));
    const bobReceived: string[] = [];
    bob.on('message', (message) => bobReceived.push(message.text));

    // Alice's sockets can be cut and kept from reconnecting, like a network outage.
    let socket: WebSocketLike | undefined;
    let networkDown = false;
    const alice = await model('alice', {
      createSocket: (url) => {
        if (networkDown) throw new Error('network is down');
        socket = createNodeSocket(url);
        return socket;
      },
    });
    await say(bob, 'before the outage');
    await eventually(() => alice.timeline(GENERAL).length === 1, 'first message');

    networkDown = true;
    socket?.close();
    await eventually(() => alice.connection.state === 'offline', 'alice offline');
    assert.ok(alice.connection.retryAt !== undefined, 'offline says when it retries');
    assert.deepEqual(alice.onlinePeople(), [], 'while offline nobody is known to be online');
    const queued = alice.send(GENERAL, 'written offline');
    assert.equal(messages(alice.timeline(GENERAL)).at(-1)?.status, 'queued');
    await say(bob, 'missed 1');
    await say(bob, 'missed privately', 'alice');

    networkDown = false;
    await eventually(() => queued.status === 'sent', 'queued message acked');
    await eventually(() => alice.timeline(GENERAL).length === 3, 'missed message');
    assert.deepEqual(texts(alice.timeline(GENERAL)), ['bob: before the outage', 'bob: missed 1', 'alice: written offline']);
    assert.deepEqual(texts(alice.timeline({ kind: 'direct', with: 'bob' })), ['bob: missed privately']);
    assert.equal(alice.unreadCount(GENERAL), 2);
    assert.equal(alice.unreadCount({ kind: 'direct', with: 'bob' }), 1);
    const seqs = messages(alice.timeline(GENERAL)).map((entry) => entry.seq);
    assert.equal(new Set(seqs).size, seqs.length);
    await eventually(() => bobReceived.includes('written offline'), 'bob got the queued message');
    await bob.requestHistory({ limit: 1 }); // a round trip: anything duplicated would be here by now
    assert.deepEqual(bobReceived, ['written offline']);
  });

  it('shows who joins, leaves and types', async () => {
    await start();
    const alice = await model('alice');
    const carol = await online(client('Carol'));
    await eventually(() => alice.onlinePeople().some((user) => user.name === 'Carol' && user.online), 'carol online');

    carol.sendTyping();
    await eventually(() => alice.typingIn(GENERAL).length === 1, 'typing');
    assert.deepEqual(alice.typingIn(GENERAL), ['Carol']);
    await say(carol, 'done typing');
    await eventually(() => alice.typingIn(GENERAL).length === 0, 'typing cleared by the message');

    await carol.close();
    await eventually(() => !alice.onlinePeople().some((user) => user.name === 'Carol'), 'carol gone');
    const group = alice.timeline(GENERAL).map((entry) =>
      entry.kind === 'presence' ? presenceText(entry) : entry.text,
    );
    assert.deepEqual(group, ['Carol joined', 'done typing', 'Carol left']);
    // With nothing said between them, her coming and going in a moment leaves no line at all.
    assert.deepEqual(alice.timeline({ kind: 'direct', with: 'carol' }), []);
  });

  it('marks a refused message failed with the reason, and can retry it', async () => {
    await start();
    const alice = await model('alice');
    const ref = { kind: 'direct', with: 'nobody' } as const;
    const outgoing = alice.send(ref, 'anyone there?');
    await eventually(() => outgoing.status === 'failed', 'refusal');
    const [failed] = messages(alice.timeline(ref));
    assert.equal(failed?.status, 'failed');
    assert.match(failed?.error ?? '', /nobody/i);

    alice.retry(ref, outgoing.id);
    assert.notEqual(messages(alice.timeline(ref))[0]?.status, 'failed');
    await eventually(() => messages(alice.timeline(ref))[0]?.status === 'failed', 'refused again');
    assert.throws(() => alice.retry(GENERAL, outgoing.id), /no message/);
  });

  it('loads older history page by page until the beginning', async () => {
    await start({ rateLimit: NO_PACING });
    const bob = await online(client('bob', { rateLimit: NO_PACING }));
    for (let i = 1; i <= 120; i++) bob.send(`message ${i}`);
    await eventually(() => bob.pending.length === 0, 'all 120 stored');

    const alice = await model('alice', { rateLimit: NO_PACING });
    await eventually(() => alice.timeline(GENERAL).length === 50, 'the welcome\'s latest 50');
    await alice.loadOlder(GENERAL);
    assert.equal(alice.timeline(GENERAL).length, 100);
    assert.equal(alice.conversation(GENERAL).hasMore, true);
    await alice.loadOlder(GENERAL);
    assert.equal(alice.conversation(GENERAL).hasMore, false);
    assert.deepEqual(
      messages(alice.timeline(GENERAL)).map((entry) => entry.text),
      Array.from({ length: 120 }, (_, i) => `message ${i + 1}`),
    );
  });

  it('starts the conversations afresh when the server reports a gap after a long outage', async () => {
    await start({ rateLimit: NO_PACING });
    const bob = await online(client('bob', { rateLimit: NO_PACING }));
    let socket: WebSocketLike | undefined;
    let networkDown = false;
    const alice = await model('alice', {
      rateLimit: NO_PACING,
      createSocket: (url) => {
        if (networkDown) throw new Error('network is down');
        socket = createNodeSocket(url);
        return socket;
      },
    });
    await say(bob, 'old message');
    await eventually(() => alice.timeline(GENERAL).length === 1, 'old message');

    networkDown = true;
    socket?.close();
    await eventually(() => alice.connection.state === 'offline', 'alice offline');
    for (let i = 1; i <= 1001; i++) bob.send(`missed ${i}`);
    await eventually(() => bob.pending.length === 0, 'all stored', 15_000);
    networkDown = false;

    await eventually(() => alice.timeline(GENERAL).length === 1000, 'the newest 1000', 10_000);
    const texts = messages(alice.timeline(GENERAL)).map((entry) => entry.text);
    assert.equal(texts[0], 'missed 2');
    assert.equal(texts.at(-1), 'missed 1001');
    assert.equal(alice.conversation(GENERAL).hasMore, true, 'what lies before can be loaded again');
  });

  it('reports a refused name', async () => {
    await start();
    await online(client('bob'));
    const impostor = new ChatModel(client('BOB'));
    cleanups.push(() => impostor.dispose());
    const refusals: string[] = [];
    impostor.onDidRefuse(({ code }) => refusals.push(code));
    impostor.connect();
    await eventually(() => impostor.connection.state === 'closed', 'closed');
    assert.deepEqual(refusals, ['NAME_TAKEN']);
    assert.match(impostor.connection.error ?? '', /NAME_TAKEN/);
  });

  it('sends a note with attachments, shown as the note and the attachments on both sides; refuses one over the frame limit, sending nothing', async () => {
    await start();
    const alice = await model('alice');
    const bob = await model('bob');
    const anchor: CodeAttachment = { kind: 'code', path: 'src/a.ts', range: { startLine: 1, endLine: 2 }, snippet: 'a();\nb();' };
    alice.send(GENERAL, 'see here', [anchor]);
    const received = await eventually(
      () => messages(bob.timeline(GENERAL)).find((entry) => entry.from === 'alice'),
      'bob gets the anchor',
    );
    assert.equal(received.text, 'see here');
    assert.deepEqual(received.attachments, [anchor]);
    const own = await eventually(() => messages(alice.timeline(GENERAL)).find((entry) => entry.status === 'sent'), 'the ack');
    assert.deepEqual([own.text, own.attachments], ['see here', [anchor]]);

    const huge = [1, 2, 3, 4].map((n): CodeAttachment => ({ ...anchor, path: `f${n}.ts`, snippet: 'é'.repeat(LIMITS.snippetMaxLength) }));
    assert.throws(() => alice.send(GENERAL, 'all of it', huge), /^Error: This message is \d+ KiB with its attachments; Relay Chat can send up to 64 KiB at once\.$/);
    assert.equal(messages(alice.timeline(GENERAL)).length, 1, 'nothing pending');
  });
});
