import assert from 'node:assert/strict';
import { openSqliteBackend, type RelayServer } from '../../../server';
import { PasswordHasher } from '../../../server/identity/passwords';
import { mentionCandidates } from '../../../server/mentions';
import { startTestServer } from '../../support/server';
import { TestClient } from '../../support/ws-test-client';

const passwordCost = { N: 1024, r: 8, p: 1 };
const PASSWORD = 'correct horse battery';

describe('server: mentions', () => {
  let server: RelayServer;
  afterEach(() => server?.close());

  it('reads @words as names: after a non-name character, without trailing dots, folded, each once, at most 20', () => {
    assert.deepEqual(mentionCandidates('(@Bo), @cy. @bo and a@b.c, @@x, @...'), ['bo', 'cy']);
    assert.deepEqual(mentionCandidates('@here @channel'), ['here', 'channel']);
    assert.equal(mentionCandidates(Array.from({ length: 50 }, (_, i) => `@u${i}`).join(' ')).length, 20);
  });

  it('gives one sender’s says seqs in the order sent, though a mention is looked up first and a refused one comes between', async () => {
    server = await startTestServer({ passwordCost, channelMentionMaxMembers: 1 });
    const ana = await TestClient.join2(server.url, 'ana');
    await TestClient.join2(server.url, 'bo');
    const says = [
      { type: 'say', id: 's1', text: '@bo look at this' },
      { type: 'say', id: 's2', text: 'plain' },
      { type: 'say', id: 's3', text: '@channel everyone' },
      { type: 'say', id: 's4', to: 'bo', text: 'direct' },
      { type: 'say', id: 's5', text: 'last' },
    ] as const;
    for (const say of says) ana.send(say);
    const seqs: number[] = [];
    for (const id of ['s1', 's2', 's4', 's5']) {
      const ack = await ana.next('ack', (a) => a.id === id);
      seqs.push(ack.seq);
    }
    assert.deepEqual([...seqs].sort((a, b) => a - b), seqs, `seqs ${seqs.join(', ')} in the order sent`);
    assert.equal((await ana.next('error', (e) => e.id === 's3')).code, 'MENTION_NOT_ALLOWED');
  });

  it('parses mentions on the server: @name of one who may read the conversation, @here, and @channel within the limit', async () => {
    server = await startTestServer({ passwordCost, channelMentionMaxMembers: 2 });
    const ana = await TestClient.join2(server.url, 'ana');
    const bo = await TestClient.join2(server.url, 'bo');
    const cyAway = await TestClient.join2(server.url, 'cy');
    await TestClient.join2(server.url, 'dee');
    await ana.request({ type: 'create', channel: 'duo' }, 'c1');
    await bo.request({ type: 'join', channel: 'duo' }, 'j1');
    await ana.request({ type: 'create', channel: 'trio' }, 'c2');
    await bo.request({ type: 'join', channel: 'trio' }, 'j2');
    await cyAway.request({ type: 'join', channel: 'trio' }, 'j3');
    await cyAway.close();

    const named = await ana.request({ type: 'say', id: 'm1', channel: 'trio', text: '@BO and @cy., not @dee nor me@bo nor @ghost' }, 'm1');
    assert.ok(named.type === 'ack');
    assert.deepEqual((await bo.next('message', (m) => m.id === 'm1')).mentions, ['bo', 'cy']);
    await ana.request({ type: 'say', id: 'm2', channel: 'trio', text: '@here standup' }, 'm2');
    assert.deepEqual((await bo.next('message', (m) => m.id === 'm2')).mentions, ['@here']);
    const tooBig = await ana.refusal({ type: 'say', id: 'm3', channel: 'trio', text: '@channel all of you' }, 'm3');
    assert.equal(tooBig.code, 'MENTION_NOT_ALLOWED');
    await ana.request({ type: 'say', id: 'm4', channel: 'duo', text: 'hey @channel' }, 'm4');
    assert.deepEqual((await bo.next('message', (m) => m.id === 'm4')).mentions, ['@channel']);
    await ana.request({ type: 'say', id: 'm5', to: 'bo', text: '@bo @cy look' }, 'm5');
    assert.deepEqual((await bo.next('message', (m) => m.id === 'm5')).mentions, ['bo'], 'in a direct conversation, its two sides');
    await ana.request({ type: 'say', id: 'm6', channel: 'trio', text: 'mail ana@example.com' }, 'm6');
    assert.equal((await bo.next('message', (m) => m.id === 'm6')).mentions, undefined);

    const history = await ana.request({ type: 'history', channel: 'trio' }, 'h');
    assert.ok(history.type === 'history');
    assert.deepEqual(history.messages.map((m) => [m.id, m.mentions]), [['m1', ['bo', 'cy']], ['m2', ['@here']], ['m6', undefined]], 'nothing stored for a refused @channel');

    const cy = await TestClient.join2(server.url, 'cy', { token: cyAway.welcome.token! });
    const trio = cy.welcome.channels!.find((c) => c.name === 'trio')!;
    assert.deepEqual([trio.unread, trio.mentions], [3, 1], '@here is for who was online when it was said');
    const boBack = await TestClient.join2(server.url, 'bo', { token: bo.welcome.token! });
    assert.deepEqual(boBack.welcome.channels!.map((c) => [c.name, c.mentions]), [['duo', 1], ['general', 0], ['trio', 2]]);
    assert.deepEqual(boBack.welcome.direct!.map((d) => [d.with, d.mentions]), [['ana', 1]]);
  });

  it('allows @channel to admins in any channel, and only to them with a limit of 0', async () => {
    const storage = openSqliteBackend();
    server = await startTestServer({ passwordCost, storage, channelMentionMaxMembers: 0 });
    await storage.identity.createAccount('root', await new PasswordHasher(passwordCost).hash(PASSWORD), true);
    const root = await TestClient.join2(server.url, 'root', { password: PASSWORD });
    const ana = await TestClient.join2(server.url, 'ana');
    await ana.request({ type: 'create', channel: 'solo' }, 'c');
    assert.equal((await ana.refusal({ type: 'say', id: 'x', channel: 'solo', text: '@channel' }, 'x')).code, 'MENTION_NOT_ALLOWED');
    const ack = await root.request({ type: 'say', id: 'y', text: '@channel maintenance at noon' }, 'y');
    assert.ok(ack.type === 'ack');
    const message = await ana.next('message', (m) => m.id === 'y');
    assert.deepEqual([message.channel, message.mentions], ['general', ['@channel']]);
  });
});
