import assert from 'node:assert/strict';
import { openSqliteBackend, type RelayServer } from '../../../server';
import { PasswordHasher } from '../../../server/identity/passwords';
import { startTestServer } from '../../support/server';
import { TestClient } from '../../support/ws-test-client';

const passwordCost = { N: 1024, r: 8, p: 1 };
const PASSWORD = 'correct horse battery';

/** Every request that names a channel, for the channel `channel`. */
function everyRequest(channel: string): Array<{ type: string; [field: string]: unknown }> {
  return [
    { type: 'history', channel },
    { type: 'say', id: `say-${channel}`, channel, text: 'anyone?' },
    { type: 'typing', channel },
    { type: 'join', channel },
    { type: 'leave', channel },
    { type: 'invite', channel, name: 'cy' },
    { type: 'members', channel },
    { type: 'read', channel, seq: 1 },
    { type: 'topic', channel, topic: 'mine' },
    { type: 'rename', channel, name: 'renamed' },
    { type: 'archive', channel },
  ];
}

describe('server: private channels are invisible to non-members', () => {
  let server: RelayServer;
  afterEach(() => server?.close());

  it('answers a non-member, an admin too, on every path exactly as for a channel that does not exist; only create and rename can tell the name is taken', async () => {
    const storage = openSqliteBackend();
    server = await startTestServer({ passwordCost, storage });
    await storage.identity.createAccount('root', await new PasswordHasher(passwordCost).hash(PASSWORD), true);
    const ana = await TestClient.join2(server.url, 'ana');
    const bo = await TestClient.join2(server.url, 'bo');
    const cy = await TestClient.join2(server.url, 'cy');
    const root = await TestClient.join2(server.url, 'root', { password: PASSWORD });

    const created = await ana.request({ type: 'create', channel: 'ops', private: true, topic: 'pager' }, 'c');
    assert.ok(created.type === 'channel' && created.channel.private);
    const invited = await ana.request({ type: 'invite', channel: 'ops', name: 'bo' }, 'i');
    assert.ok(invited.type === 'channel' && invited.event === 'joined' && invited.name === 'bo' && invited.by === 'ana');
    assert.equal((await bo.next('channel', (e) => e.event === 'joined')).channel.name, 'ops', 'the invitee hears of it');
    await ana.request({ type: 'say', id: 'secret', channel: 'ops', text: 'the pager rota, @cy @bo' }, 's');
    const toBo = await bo.next('message', (m) => m.id === 'secret');
    assert.deepEqual(toBo.mentions, ['bo'], 'a non-member is not mentioned');

    for (const outsider of [cy, root]) {
      for (const [i, frame] of everyRequest('ops').entries()) {
        const hidden = await outsider.refusal(frame, `ops-${i}`);
        const missing = await outsider.refusal({ ...frame, channel: 'zzz', ...(frame.type === 'say' ? { id: 'say-zzz' } : {}) }, `zzz-${i}`);
        assert.equal(hidden.code, 'UNKNOWN_CHANNEL', `${frame.type} of a hidden channel`);
        assert.deepEqual(hidden, { ...missing, message: missing.message.replace('zzz', 'ops') }, `${frame.type}: the same answer as for no channel`);
      }
      const browse = await outsider.request({ type: 'channels' }, 'b');
      assert.ok(browse.type === 'channels');
      assert.deepEqual(browse.channels.map((c) => c.name), ['general']);
    }
    // The one thing a name tells: it is taken. The same answer whatever kind of channel holds it.
    const taken = await cy.refusal({ type: 'create', channel: 'ops' }, 'taken');
    assert.equal(taken.code, 'CHANNEL_EXISTS');
    assert.deepEqual(taken, await cy.refusal({ type: 'create', channel: 'general' }, 'taken2').then((e) => ({ ...e, message: e.message.replace('general', 'ops') })));
    await cy.request({ type: 'create', channel: 'mine' }, 'mine');
    assert.equal((await cy.refusal({ type: 'rename', channel: 'mine', name: 'ops' }, 'rn')).code, 'CHANNEL_EXISTS');

    for (const outsider of [cy, root]) {
      await outsider.sync();
      const seen = outsider.frames.filter((frame) => frame.type !== 'error' && JSON.stringify(frame).includes('ops'));
      assert.deepEqual(seen, [], 'no event, message or typing of #ops ever reached a non-member');
    }
    const resumed = await TestClient.join2(server.url, 'cy', { token: cy.welcome.token!, resume: 0 });
    assert.deepEqual(resumed.welcome.channels?.map((c) => c.name), ['general', 'mine']);
    assert.equal(resumed.welcome.messages.some((m) => m.channel === 'ops'), false, 'not in a resume');
    const fresh = await TestClient.join2(server.url, 'root', { password: PASSWORD, device: 'another' });
    assert.equal(fresh.welcome.messages.some((m) => m.channel === 'ops'), false, 'not in a welcome');
    assert.deepEqual(fresh.welcome.channels?.map((c) => c.name), ['general']);
    const boWelcome = await TestClient.join2(server.url, 'bo', { token: bo.welcome.token! });
    const ops = boWelcome.welcome.channels?.find((c) => c.name === 'ops');
    assert.deepEqual(ops, { name: 'ops', topic: 'pager', private: true, members: 2, createdBy: 'ana', unread: 1, mentions: 1, lastRead: 0 });
  });
});
