/**
 * What a client relies on, written once and run on every deployment: one relay-chat-server on
 * SQLite, and three on one PostgreSQL and one Redis, reached through a round-robin TCP balancer
 * or by a client given every node's URL. The deployments differ only in how a client is made;
 * consecutive clients land on different nodes of a cluster, so every exchange below between two
 * clients crosses nodes there. Spawns dist/server/cli.js (npm run build).
 */
import assert from 'node:assert/strict';
import { GENERAL, type Conversation } from '../../../protocol';
import type { RelayClient, RelayClientOptions } from '../../../client/relay-client';
import { clusterBehindBalancer, clusterByUrlList, singleNode, type Deployment } from '../../support/deployments';
import { usePostgres } from '../../support/postgres';
import { requireRedisServer, startTestRedis, type TestRedis } from '../../support/redis';
import { acked, DeliveryLog, deliveredOnce, eventually, getJson, nextEvent, online } from '../../support/relay-client-waits';

const PASSWORD = 'correct horse battery';

function conformance(deploy: () => Promise<Deployment>): void {
  let deployment: Deployment;
  const clients: RelayClient[] = [];
  let test = 0;
  before(async function () {
    this.timeout(60_000);
    deployment = await deploy();
  });
  after(() => deployment?.close());
  beforeEach(() => test++);
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });

  /** A user name of this test alone, so tests on one deployment do not meet. */
  const user = (name: string): string => `${name}${test}`;

  function client(name: string, options: Partial<RelayClientOptions> = {}): RelayClient {
    const made = deployment.client(user(name), options);
    clients.push(made);
    return made;
  }

  const connect = (name: string, options: Partial<RelayClientOptions> = {}): Promise<RelayClient> => online(client(name, options));

  /** Sends each text in turn from `from` to `to`, without waiting; resolves once all are acked, with their ids. */
  async function sendAll(from: RelayClient, count: number, to?: string | Conversation): Promise<string[]> {
    const sent = Array.from({ length: count }, (_, i) => from.send(`${from.name} ${i}`, to));
    return (await Promise.all(sent.map((message) => acked(from, message)))).map((message) => message.id);
  }

  it('registers a name with a password and signs it in on another node, by password or device token; a wrong password is refused', async () => {
    const laptop = await connect('ana', { password: PASSWORD, device: 'laptop' });
    assert.equal(laptop.accountState?.password, true);
    const token = laptop.session;
    assert.ok(token, 'the welcome issued a device token');
    const phone = await connect('ana', { password: PASSWORD, device: 'phone' });
    assert.notEqual(phone.session, token, 'a device of its own');
    await laptop.close();
    const back = await connect('ana', { session: token! });
    assert.equal(back.name, user('ana'));
    const wrong = client('ana', { password: 'not the right password' });
    const refusal = nextEvent(wrong, 'refused');
    wrong.connect();
    assert.equal((await refusal)[0], 'AUTH_FAILED');
  });

  it('delivers #general messages from several senders to every device of every user once, in seq order, wherever each is connected', async () => {
    const ana1 = await connect('ana', { password: PASSWORD, device: 'one' });
    const ana2 = await connect('ana', { password: PASSWORD, device: 'two' });
    const bo1 = await connect('bo', { password: PASSWORD, device: 'one' });
    const bo2 = await connect('bo', { password: PASSWORD, device: 'two' });
    const cy = await connect('cy');
    const devices = [ana1, ana2, bo1, bo2, cy];
    const logs = devices.map((device) => new DeliveryLog(device));
    const [fromAna, fromBo, fromCy] = await Promise.all([sendAll(ana1, 6), sendAll(bo2, 6), sendAll(cy, 6)]);
    const all = [...fromAna!, ...fromBo!, ...fromCy!];
    // The sending device has its ack instead; every other device, its own user's included, gets the message.
    const own = new Map<RelayClient, string[]>([[ana1, fromAna!], [bo2, fromBo!], [cy, fromCy!]]);
    await deliveredOnce(new Map(logs.map((log) => [log, all.filter((id) => !own.get(log.client)?.includes(id))])));
  });

  it('delivers a direct message to both sides\' devices and a channel message to its members\' devices, once, and to no one else', async () => {
    const ana1 = await connect('ana', { password: PASSWORD, device: 'one' });
    const ana2 = await connect('ana', { password: PASSWORD, device: 'two' });
    const bo1 = await connect('bo', { password: PASSWORD, device: 'one' });
    const bo2 = await connect('bo', { password: PASSWORD, device: 'two' });
    const cy = await connect('cy');
    const channel = user('build');
    await ana1.createChannel(channel);
    await bo2.joinChannel(channel);
    const logs = [ana1, ana2, bo1, bo2, cy].map((device) => new DeliveryLog(device));
    const direct = await sendAll(ana1, 3, bo1.name);
    const inChannel = await sendAll(bo1, 3, { kind: 'channel', channel });
    const [a1, a2, b1, b2, c] = logs as [DeliveryLog, DeliveryLog, DeliveryLog, DeliveryLog, DeliveryLog];
    await deliveredOnce(new Map([[a1, inChannel], [a2, [...direct, ...inChannel]], [b1, direct], [b2, [...direct, ...inChannel]], [c, []]]));
  });

  it('acks a message only once it is stored: at its ack, another node\'s history has it with its seq; history pages back', async () => {
    const ana = await connect('ana');
    const bo = await connect('bo');
    for (let i = 0; i < 5; i++) {
      const sent = await acked(ana, ana.send(`stored ${i}`));
      const history = await bo.requestHistory({ limit: 1 });
      assert.deepEqual(history.messages.map((m) => [m.id, m.seq]), [[sent.id, sent.seq]], `message ${i} is readable at its ack`);
    }
    const direct = await acked(ana, ana.send('privately', bo.name));
    assert.deepEqual((await bo.requestHistory({ with: ana.name, limit: 5 })).messages.map((m) => m.id), [direct.id]);
    const latest = await bo.requestHistory({ limit: 3 });
    assert.deepEqual(latest.messages.map((m) => m.text), ['stored 2', 'stored 3', 'stored 4']);
    const older = await bo.requestHistory({ limit: 3, before: latest.messages[0]!.seq });
    assert.equal(older.messages.at(-1)?.text, 'stored 1');
    assert.ok(older.messages.every((m, i) => i === 0 || m.seq > older.messages[i - 1]!.seq), 'oldest first');
  });

  it('resumes a device on another node with exactly what it missed', async () => {
    const ana = await connect('ana');
    const bo = await connect('bo');
    const before = new DeliveryLog(bo);
    const [seen] = await sendAll(ana, 1);
    await eventually(() => before.has([seen!]), 'bo got the first message');
    const token = bo.session!;
    const lastSeq = bo.lastSeq!;
    await bo.close();
    const missed = [...(await sendAll(ana, 3)), ...(await sendAll(ana, 2, bo.name))];
    const resumed = client('bo', { session: token, lastSeq });
    const after = new DeliveryLog(resumed);
    const welcomed = nextEvent(resumed, 'welcome');
    await online(resumed);
    assert.equal((await welcomed)[1].resumed, true);
    await deliveredOnce(new Map([[after, missed]]));
    assert.deepEqual(after.ids(), missed, 'in the order they were sent');
  });

  it('shares presence: the online list, and joins and leaves, on every node', async () => {
    const ana = await connect('ana');
    const bo = await connect('bo');
    await eventually(() => ana.onlineUsers.has(bo.name), 'ana sees bo online');
    const joined = nextEvent(ana, 'presence', (name, isOnline) => name === user('cy') && isOnline);
    const cy = await connect('cy');
    await joined;
    for (const name of [ana.name, bo.name, cy.name]) assert.ok(cy.onlineUsers.has(name), `cy's welcome lists ${name}`);
    const left = nextEvent(bo, 'presence', (name, isOnline) => name === cy.name && !isOnline);
    await cy.close();
    await left;
    await eventually(() => !ana.onlineUsers.has(user('cy')), 'ana sees cy leave too');
  });

  it('carries typing to a user, and in #general, to where they are connected', async () => {
    const ana = await connect('ana');
    const bo = await connect('bo');
    const toBo = nextEvent(bo, 'typing', (from) => from === ana.name);
    ana.sendTyping(bo.name);
    const [, , conversation] = await toBo;
    assert.deepEqual(conversation, { kind: 'direct', with: ana.name });
    const inGeneral = nextEvent(ana, 'typing', (from, _to, where) => from === bo.name && where.kind === 'channel');
    bo.sendTyping(GENERAL);
    assert.deepEqual((await inGeneral)[2], GENERAL);
  });

  it('replaces a device\'s connection by a newer one with its token, on another node (4002)', async () => {
    const first = await connect('ana');
    const replaced = nextEvent(first, 'state', (state) => state === 'closed');
    const second = await connect('ana', { session: first.session! });
    assert.match((await replaced)[1]?.error ?? '', /replaced/);
    const bo = await connect('bo');
    const log = new DeliveryLog(second);
    const [id] = await sendAll(bo, 1);
    await deliveredOnce(new Map([[log, [id!]]]));
  });

  it('signs out a revoked device wherever it is connected (4004), and its token no longer signs in', async () => {
    const one = await connect('ana', { password: PASSWORD, device: 'one' });
    const two = await connect('ana', { password: PASSWORD, device: 'two' });
    const devices = (await one.listDevices()).devices;
    const other = devices.find((device) => !device.current && device.label === 'two');
    assert.ok(other, JSON.stringify(devices));
    const signedOut = nextEvent(two, 'state', (state) => state === 'closed');
    await one.revokeDevice(other.id);
    assert.match((await signedOut)[1]?.error ?? '', /signed out/);
    const again = client('ana', { session: two.session! });
    const refused = nextEvent(again, 'refused');
    again.connect();
    assert.equal((await refused)[0], 'AUTH_REQUIRED', 'the name has a password and the token is gone');
  });

  it('carries channel creation, joins, invites and leaves across nodes; a private channel stays invisible to others', async () => {
    const ana = await connect('ana');
    const bo = await connect('bo');
    const cy = await connect('cy');
    const open = user('open');
    const secret = user('secret');
    await ana.createChannel(open, { topic: 'for all' });
    const boSees = (await bo.browseChannels()).channels.find((c) => c.name === open);
    assert.deepEqual([boSees?.joined, boSees?.topic], [false, 'for all']);
    const anaHearsJoin = nextEvent(ana, 'channel', (e) => e.event === 'joined' && e.name === bo.name);
    await bo.joinChannel(open);
    await anaHearsJoin;

    await ana.createChannel(secret, { private: true });
    assert.equal((await cy.browseChannels()).channels.some((c) => c.name === secret), false, 'cy does not see the private channel');
    const boInvited = nextEvent(bo, 'channel', (e) => e.event === 'joined' && e.channel.name === secret);
    await ana.inviteToChannel(secret, bo.name);
    await boInvited;
    assert.equal((await bo.browseChannels()).channels.find((c) => c.name === secret)?.joined, true);

    const anaHearsLeave = nextEvent(ana, 'channel', (e) => e.event === 'left' && e.name === bo.name);
    await bo.leaveChannel(open);
    await anaHearsLeave;
    const [boLog, cyLog] = [new DeliveryLog(bo), new DeliveryLog(cy)];
    const inSecret = await sendAll(ana, 2, { kind: 'channel', channel: secret });
    const inOpen = await sendAll(ana, 2, { kind: 'channel', channel: open });
    await deliveredOnce(new Map([[boLog, inSecret], [cyLog, []]]));
    assert.equal(inOpen.length, 2);
    assert.equal((await cy.channelMembers(secret).catch((error: { code?: string }) => error.code)), 'UNKNOWN_CHANNEL', 'not even by name');
  });

  it('syncs read state between a user\'s devices on different nodes', async () => {
    const one = await connect('ana', { password: PASSWORD, device: 'one' });
    const two = await connect('ana', { password: PASSWORD, device: 'two' });
    const bo = await connect('bo');
    await sendAll(bo, 3);
    await eventually(() => two.readCounts(GENERAL)?.unread === 3 && one.readCounts(GENERAL)?.unread === 3, 'both devices count 3 unread');
    const secondSeq = (await one.requestHistory({ limit: 2 })).messages[0]!.seq;
    const synced = nextEvent(two, 'read', (frame) => frame.seq === secondSeq);
    await one.markRead(GENERAL, secondSeq);
    await synced;
    assert.deepEqual(two.readCounts(GENERAL), { unread: 1, mentions: 0, lastRead: secondSeq });
  });

  it('reports on /healthz each node\'s own connections and the cluster\'s online count', async () => {
    // Four connections of three users: ana on two devices.
    for (const [name, device] of [['ana', 'one'], ['bo', 'one'], ['cy', 'one'], ['ana', 'two']] as const) {
      await connect(name, { password: PASSWORD, device });
    }
    const health = (): Promise<Array<Record<string, unknown>>> => Promise.all(deployment.nodes.map((node) => getJson(node.healthUrl)));
    let seen: Array<Record<string, unknown>> = [];
    await eventually(
      async () => {
        seen = await health();
        const connections = seen.reduce((sum, node) => sum + Number(node.connections), 0);
        return connections === 4 && seen.every((node) => node.clusterOnline === 3);
      },
      '4 connections in all, 3 users online on every node',
      10_000,
      () => JSON.stringify(seen),
    );
    if (deployment.nodes.length > 1) assert.ok(seen.every((node) => Number(node.connections) >= 1), `the clients are spread over the nodes: ${JSON.stringify(seen)}`);
  });
}

describe('cluster: black-box conformance', function () {
  this.timeout(30_000);

  describe('one node on SQLite', () => conformance(singleNode));

  describe('three nodes on one PostgreSQL and one Redis', () => {
    const postgres = usePostgres('the three-node conformance runs');
    let redis: TestRedis | undefined;
    before(async function () {
      requireRedisServer(this);
      redis = await startTestRedis();
    });
    after(() => redis?.stop());

    describe('behind a round-robin TCP load balancer', () => conformance(() => clusterBehindBalancer(postgres(), redis!)));
    describe('each client given the list of node URLs', () => conformance(() => clusterByUrlList(postgres(), redis!)));
  });
});
