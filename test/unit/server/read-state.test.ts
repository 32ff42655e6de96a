import assert from 'node:assert/strict';
import type { RelayServer } from '../../../server';
import { startTestServer } from '../../support/server';
import { TestClient } from '../../support/ws-test-client';

const passwordCost = { N: 1024, r: 8, p: 1 };
const PASSWORD = 'correct horse battery';

describe('server: read state (protocol 2)', () => {
  let server: RelayServer;
  afterEach(() => server?.close());

  it('welcomes with each joined channel and each direct conversation (offline people too, latest first) and their unread and mention counts', async () => {
    server = await startTestServer({ passwordCost });
    const ana = await TestClient.join2(server.url, 'ana', { password: PASSWORD });
    const bo = await TestClient.join2(server.url, 'bo');
    const cy = await TestClient.join2(server.url, 'cy');
    await ana.request({ type: 'create', channel: 'build', topic: 'CI' }, 'c');
    await bo.request({ type: 'join', channel: 'build' }, 'j');
    await ana.request({ type: 'say', id: 'a1', channel: 'build', text: 'mine, so read' }, 's0');
    await bo.request({ type: 'say', id: 'b1', channel: 'build', text: 'hi @ana' }, 's1');
    await bo.request({ type: 'say', id: 'b2', channel: 'build', text: 'and again' }, 's2');
    await bo.request({ type: 'say', id: 'd1', to: 'ana', text: 'psst' }, 's3');
    const lastFromCy = await cy.request({ type: 'say', id: 'd2', to: 'ana', text: 'ping @ana' }, 's4');
    assert.ok(lastFromCy.type === 'ack');
    await cy.close();
    await ana.close();

    const back = await TestClient.join2(server.url, 'ana', { password: PASSWORD });
    assert.equal(back.welcome.protocol, 2);
    assert.deepEqual(
      back.welcome.channels?.map(({ name, members, topic, unread, mentions }) => ({ name, members, topic, unread, mentions })),
      [
        { name: 'build', members: 2, topic: 'CI', unread: 2, mentions: 1 },
        { name: 'general', members: 3, topic: '', unread: 0, mentions: 0 },
      ],
    );
    const build = back.welcome.channels!.find((c) => c.name === 'build')!;
    assert.equal(build.lastRead, back.welcome.messages.find((m) => m.id === 'a1')!.seq, 'one’s own message is read');
    assert.deepEqual(back.welcome.direct, [
      { with: 'cy', unread: 1, mentions: 1, lastRead: 0, lastSeq: lastFromCy.seq, lastActivity: lastFromCy.ts },
      { with: 'bo', unread: 1, mentions: 0, lastRead: 0, lastSeq: lastFromCy.seq - 1, lastActivity: back.welcome.messages.find((m) => m.id === 'd1')!.ts },
    ]);
    assert.deepEqual(back.welcome.messages.map((m) => m.id), ['a1', 'b1', 'b2', 'd1', 'd2'], 'the latest across every conversation');
    assert.ok(back.welcome.messages.find((m) => m.id === 'b1')!.mentions?.includes('ana'));
  });

  it('syncs a read to the user’s other devices at once, never moves it back, and counts one’s own messages from any device as read', async () => {
    server = await startTestServer({ passwordCost });
    const laptop = await TestClient.join2(server.url, 'ana', { password: PASSWORD, device: 'laptop' });
    const phone = await TestClient.join2(server.url, 'ana', { password: PASSWORD, device: 'phone' });
    const bo = await TestClient.join2(server.url, 'bo');
    const seqs: number[] = [];
    for (const text of ['one', 'two @ana', 'three']) {
      const ack = await bo.request({ type: 'say', id: text, to: 'ana', text }, text);
      assert.ok(ack.type === 'ack');
      seqs.push(ack.seq);
    }
    const read = await phone.request({ type: 'read', with: 'bo', seq: seqs[1] }, 'r1');
    assert.deepEqual(read, { type: 'read', ref: 'r1', with: 'bo', seq: seqs[1], unread: 1, mentions: 0 });
    assert.deepEqual(await laptop.next('read'), { type: 'read', with: 'bo', seq: seqs[1], unread: 1, mentions: 0 }, 'the other device hears it');
    await bo.sync();
    assert.equal(bo.pending('read').length, 0, 'nobody else does');

    const backwards = await laptop.request({ type: 'read', with: 'BO', seq: seqs[0] }, 'r2');
    assert.deepEqual(backwards, { type: 'read', ref: 'r2', with: 'bo', seq: seqs[1], unread: 1, mentions: 0 }, 'never back');
    const beyond = await laptop.request({ type: 'read', with: 'bo', seq: 1_000_000 }, 'r3');
    assert.deepEqual(beyond, { type: 'read', ref: 'r3', with: 'bo', seq: seqs[2], unread: 0, mentions: 0 }, 'never past the latest message');

    await bo.request({ type: 'say', id: 'g1', text: 'in general' }, 'g1');
    await bo.request({ type: 'say', id: 'g2', text: 'in general again' }, 'g2');
    await phone.request({ type: 'say', id: 'mine', channel: 'general', text: 'seen them' }, 'g3');
    const again = await TestClient.join2(server.url, 'ana', { token: laptop.welcome.token! });
    const general = again.welcome.channels!.find((c) => c.name === 'general')!;
    assert.deepEqual([general.unread, general.mentions], [0, 0], 'what one says from any device reads what came before');
    assert.deepEqual(again.welcome.direct?.map((d) => [d.with, d.unread]), [['bo', 0]]);
  });

  it('starts a new member (of #general by registering, of a channel by joining or an invite) with what was said before as read', async () => {
    server = await startTestServer();
    const ana = await TestClient.join2(server.url, 'ana');
    await ana.request({ type: 'say', id: 'g1', text: 'before anyone else came' }, 's1');
    await ana.request({ type: 'create', channel: 'build' }, 'c');
    await ana.request({ type: 'say', id: 'b1', channel: 'build', text: 'build history' }, 's2');
    await ana.request({ type: 'create', channel: 'ops', private: true }, 'c2');
    await ana.request({ type: 'say', id: 'o1', channel: 'ops', text: 'ops history' }, 's3');

    const bo = await TestClient.join2(server.url, 'bo');
    assert.deepEqual(bo.welcome.channels?.map((c) => [c.name, c.unread]), [['general', 0]], 'registering is not coming back to unread');
    await bo.request({ type: 'join', channel: 'build' }, 'j');
    await ana.request({ type: 'invite', channel: 'ops', name: 'bo' }, 'i');
    await ana.request({ type: 'say', id: 'b2', channel: 'build', text: 'new in build' }, 's4');
    await bo.next('message', (m) => m.id === 'b2');
    await bo.close();

    const back = await TestClient.join2(server.url, 'bo', { token: bo.welcome.token! });
    assert.deepEqual(
      back.welcome.channels?.map((c) => [c.name, c.unread]),
      [['build', 1], ['general', 0], ['ops', 0]],
      'only what came after joining is unread',
    );
    const page = await back.request({ type: 'history', channel: 'build' }, 'h');
    assert.ok(page.type === 'history');
    assert.deepEqual(page.messages.map((m) => m.text), ['build history', 'new in build'], 'the history is still there to read');
  });
});
