import assert from 'node:assert/strict';
import type { RelayServer } from '../../../server';
import { MemoryPresence } from '../../../server/broker/memory-broker';
import { openSqliteBackend } from '../../../server/store/sqlite-backend';
import { startTestServer } from '../../support/server';
import { TestClient } from '../../support/ws-test-client';

describe('server: resume across conversations (protocol 2)', () => {
  let server: RelayServer;
  afterEach(() => server?.close());

  it('gives back, exactly once and in order, what every conversation got while away, channels joined meanwhile included', async () => {
    server = await startTestServer();
    const ana = await TestClient.join2(server.url, 'ana');
    const bo = await TestClient.join2(server.url, 'bo');
    await ana.request({ type: 'create', channel: 'build' }, 'c1');
    await bo.request({ type: 'join', channel: 'build' }, 'j1');
    await ana.request({ type: 'create', channel: 'ops', private: true }, 'c2');
    await ana.request({ type: 'create', channel: 'elsewhere' }, 'c3');
    await ana.request({ type: 'say', id: 'seen', channel: 'build', text: 'before bo left' }, 's0');
    await bo.next('message', (m) => m.id === 'seen');
    const page = await bo.request({ type: 'history', channel: 'build' }, 'h');
    assert.ok(page.type === 'history');
    const from = page.messages.at(-1)!.seq;
    await bo.close();

    const said: string[] = [];
    const say = async (frame: object, id: string) => {
      await ana.request({ type: 'say', id, text: id, ...frame }, id);
      said.push(id);
    };
    await say({ channel: 'build' }, 'in-build');
    await say({}, 'in-general');
    await say({ to: 'bo' }, 'direct');
    await say({ channel: 'elsewhere' }, 'not-for-bo');
    said.pop();
    await ana.request({ type: 'invite', channel: 'ops', name: 'bo' }, 'i');
    await say({ channel: 'ops' }, 'in-ops-after-the-invite');

    const back = await TestClient.join2(server.url, 'bo', { token: bo.welcome.token!, resume: from });
    assert.deepEqual(back.welcome.messages.map((m) => m.id), said);
    assert.equal(back.welcome.gap, undefined);
    assert.deepEqual(back.welcome.channels?.map((c) => c.name), ['build', 'general', 'ops']);
    await say({ channel: 'ops' }, 'live');
    await back.next('message', (m) => m.id === 'live');
    await back.sync();
    assert.deepEqual(back.pending('message'), [], 'nothing twice');
  });
});

describe('server: a channel joined on one device while another device is being welcomed', () => {
  let server: RelayServer;
  afterEach(() => server?.close());

  // Each step of a welcome that reads the store is a moment the other device's join, and a
  // message in the channel right after it, can fall into: the welcoming device must end up with
  // the channel in its welcome and the message exactly once, in the welcome or live.
  const moments = ['subscriptions', 'welcomeSnapshot', 'readState'] as const;
  for (const [moment, when] of moments.flatMap((m) => [[m, 'before'], [m, 'after']] as const)) {
    it(`gets the channel and its next message exactly once when that happens just ${when} reading ${moment}`, async () => {
      const storage = openSqliteBackend();
      server = await startTestServer({ storage, passwordCost: { N: 1024, r: 8, p: 1 } });
      const ana = await TestClient.join2(server.url, 'ana');
      const bo = await TestClient.join2(server.url, 'bo', { device: 'laptop', password: 'a long enough password' });
      await ana.request({ type: 'create', channel: 'build' }, 'c');

      const target = (moment === 'welcomeSnapshot' ? storage.store : storage.channels) as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
      const original = target[moment]!.bind(target);
      let raced = false;
      target[moment] = async (...args: unknown[]) => {
        const [viewer] = args as [{ name: string }];
        // bo's laptop was welcomed before the store was wrapped: the first call is the phone's.
        if (raced || viewer.name !== 'bo') return original(...args);
        raced = true;
        const race = async () => {
          await bo.request({ type: 'join', channel: 'build' }, 'j');
          await ana.request({ type: 'say', id: 'raced', channel: 'build', text: 'right after bo joined' }, 's');
        };
        if (when === 'before') await race();
        const result = await original(...args);
        if (when === 'after') await race();
        return result;
      };

      const phone = await TestClient.join2(server.url, 'bo', { device: 'phone', password: 'a long enough password' });
      assert.ok(raced, `the join happened ${when} ${moment}`);
      await ana.request({ type: 'say', id: 'after', channel: 'build', text: 'after the welcome' }, 's2');
      await phone.next('message', (m) => m.id === 'after');
      await phone.sync();
      const listed = phone.welcome.channels?.some((c) => c.name === 'build') ?? false;
      const told = phone.frames.some((f) => f.type === 'channel' && f.event === 'joined' && f.channel.name === 'build' && f.name === 'bo');
      assert.ok(listed || told, 'the phone learns of the channel: in its welcome, or from the join event after it');
      const live = phone.frames.filter((f) => f.type === 'message' && f.id === 'raced').length;
      const inWelcome = phone.welcome.messages.filter((m) => m.id === 'raced').length;
      assert.equal(live + inWelcome, 1, `once: ${inWelcome} in the welcome, ${live} live`);
      // Unread as a client counts it (the welcome's count, then each later message) is the truth.
      const counted =
        (phone.welcome.channels?.find((c) => c.name === 'build')?.unread ?? 0) +
        phone.frames.filter((f) => f.type === 'message' && f.channel === 'build' && f.seq > phone.welcome.seq).length;
      const tablet = await TestClient.join2(server.url, 'bo', { device: 'tablet', password: 'a long enough password' });
      assert.equal(counted, tablet.welcome.channels?.find((c) => c.name === 'build')?.unread, 'unread counted once');
    });
  }
});

describe('server: someone coming online while a device is being welcomed', () => {
  let server: RelayServer;
  afterEach(() => server?.close());

  it('is online for that device: in its welcome or by the presence event after it', async () => {
    const presence = new MemoryPresence();
    server = await startTestServer({ presence });
    const online = presence.online.bind(presence);
    let raced = false;
    presence.online = async () => {
      const names = await online();
      if (!raced) {
        raced = true; // bo's welcome: cy comes online after its user list was read
        await TestClient.join2(server.url, 'cy');
      }
      return names;
    };
    const bo = await TestClient.join2(server.url, 'bo');
    await bo.sync();
    const told = bo.frames.some((f) => f.type === 'presence' && f.name === 'cy' && f.online);
    assert.ok(bo.welcome.users.includes('cy') || told, `cy is online for bo (welcome users: ${bo.welcome.users.join(', ')})`);
  });
});
