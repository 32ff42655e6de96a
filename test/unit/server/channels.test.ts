import assert from 'node:assert/strict';
import { openSqliteBackend, type RelayServer } from '../../../server';
import { PasswordHasher } from '../../../server/identity/passwords';
import { startTestServer } from '../../support/server';
import { TestClient } from '../../support/ws-test-client';

const passwordCost = { N: 1024, r: 8, p: 1 };
const PASSWORD = 'correct horse battery';

describe('server: channels (protocol 2)', () => {
  let server: RelayServer;
  afterEach(() => server?.close());

  it('creates a channel whose messages reach every device of every member once and nobody else, with channel events and refs', async () => {
    server = await startTestServer({ passwordCost });
    const laptop = await TestClient.join2(server.url, 'ana', { password: PASSWORD, device: 'laptop' });
    const phone = await TestClient.join2(server.url, 'ana', { password: PASSWORD, device: 'phone' });
    const bo = await TestClient.join2(server.url, 'bo');
    const outsider = await TestClient.join2(server.url, 'cy');
    const v1 = await TestClient.join(server.url, 'dee');

    const created = await laptop.request({ type: 'create', channel: 'build', topic: 'CI and releases' }, 'c1');
    assert.deepEqual(created, {
      type: 'channel',
      ref: 'c1',
      event: 'created',
      channel: { name: 'build', topic: 'CI and releases', private: false, members: 1, createdBy: 'ana' },
      by: 'ana',
    });
    const onPhone = await phone.next('channel');
    assert.equal(onPhone.event, 'created');
    assert.equal(onPhone.ref, undefined, 'the ref is the asking device’s');

    const browse = await bo.request({ type: 'channels' }, 'b1');
    assert.ok(browse.type === 'channels');
    assert.deepEqual(browse.channels.map((c) => [c.name, c.members, c.joined, c.topic]), [
      ['build', 1, false, 'CI and releases'],
      ['general', 4, true, ''],
    ]);

    const joined = await bo.request({ type: 'join', channel: 'build' }, 'j1');
    assert.ok(joined.type === 'channel' && joined.event === 'joined' && joined.name === 'bo' && joined.channel.members === 2);
    for (const device of [laptop, phone]) assert.equal((await device.next('channel', (e) => e.event === 'joined')).name, 'bo');
    assert.deepEqual(await bo.request({ type: 'members', channel: 'build' }, 'm1'), { type: 'members', ref: 'm1', channel: 'build', members: ['ana', 'bo'] });

    const ack = await laptop.request({ type: 'say', id: 'b-1', channel: 'build', text: 'green again' }, 's1');
    assert.ok(ack.type === 'ack' && ack.id === 'b-1');
    for (const device of [phone, bo]) {
      const message = await device.next('message', (m) => m.id === 'b-1');
      assert.deepEqual(message, { type: 'message', seq: ack.seq, id: 'b-1', from: 'ana', channel: 'build', text: 'green again', ts: ack.ts });
    }
    bo.send({ type: 'typing', channel: 'build' });
    assert.deepEqual(await laptop.next('typing'), { type: 'typing', from: 'bo', channel: 'build' });
    await phone.next('typing');
    for (const client of [laptop, phone, bo, outsider, v1]) await client.sync();
    for (const client of [laptop, phone, bo]) {
      assert.equal(client.pending('message').length, 0, 'once per device, the sending device by its ack');
    }
    for (const client of [outsider, v1]) {
      assert.deepEqual([client.pending('message'), client.pending('typing'), client.pending('channel')], [[], [], []], 'nothing of #build');
    }

    // Anyone may read a public channel's history; only members say or type there.
    const page = await outsider.request({ type: 'history', channel: 'build' }, 'h1');
    assert.ok(page.type === 'history' && page.channel === 'build');
    assert.deepEqual(page.messages.map((m) => m.text), ['green again']);
    assert.equal((await outsider.refusal({ type: 'say', id: 'x', channel: 'build', text: 'hi' }, 's2')).code, 'NOT_A_MEMBER');
    assert.equal((await outsider.refusal({ type: 'typing', channel: 'build' }, 't2')).code, 'NOT_A_MEMBER');
    assert.equal((await outsider.refusal({ type: 'read', channel: 'build', seq: 1 }, 'r2')).code, 'NOT_A_MEMBER');
    assert.equal((await outsider.refusal({ type: 'invite', channel: 'build', name: 'dee' }, 'i2')).code, 'NOT_A_MEMBER');
    assert.equal((await outsider.refusal({ type: 'leave', channel: 'build' }, 'l2')).code, 'NOT_A_MEMBER');
  });

  it('lets a member leave (not #general): their devices stop getting the channel, the others hear it', async () => {
    server = await startTestServer({ passwordCost });
    const ana = await TestClient.join2(server.url, 'ana');
    const laptop = await TestClient.join2(server.url, 'bo', { password: PASSWORD, device: 'laptop' });
    const phone = await TestClient.join2(server.url, 'bo', { password: PASSWORD, device: 'phone' });
    await ana.request({ type: 'create', channel: 'ops' }, 'c');
    await laptop.request({ type: 'join', channel: 'ops' }, 'j');
    assert.equal((await laptop.refusal({ type: 'leave', channel: 'general' }, 'lg')).code, 'BAD_REQUEST');
    assert.equal((await laptop.refusal({ type: 'leave' }, 'lx')).code, 'BAD_FRAME');

    const left = await laptop.request({ type: 'leave', channel: 'ops' }, 'l');
    assert.ok(left.type === 'channel' && left.event === 'left' && left.name === 'bo' && left.channel.members === 1);
    assert.equal((await ana.next('channel', (e) => e.event === 'left')).name, 'bo');
    assert.equal((await phone.next('channel', (e) => e.event === 'left')).name, 'bo', 'the leaver’s other device hears it');
    await ana.request({ type: 'say', id: 'after', channel: 'ops', text: 'gone?' }, 's');
    for (const device of [laptop, phone]) {
      await device.sync();
      assert.equal(device.pending('message').length, 0);
    }
    assert.equal((await laptop.refusal({ type: 'say', id: 'x', channel: 'ops', text: 'back?' }, 's2')).code, 'NOT_A_MEMBER');
    const again = await laptop.request({ type: 'join', channel: 'ops' }, 'j2');
    assert.ok(again.type === 'channel' && again.event === 'joined');
    await ana.request({ type: 'say', id: 'back', channel: 'ops', text: 'welcome back' }, 's3');
    for (const device of [laptop, phone]) await device.next('message', (m) => m.id === 'back');
  });

  it('lets only the creator or an admin set the topic, rename or archive; archived channels are read-only and out of every list', async () => {
    const storage = openSqliteBackend();
    server = await startTestServer({ passwordCost, storage });
    await storage.identity.createAccount('root', await new PasswordHasher(passwordCost).hash(PASSWORD), true);
    const ana = await TestClient.join2(server.url, 'ana');
    const bo = await TestClient.join2(server.url, 'bo');
    const root = await TestClient.join2(server.url, 'root', { password: PASSWORD });
    await ana.request({ type: 'create', channel: 'design' }, 'c');
    await bo.request({ type: 'join', channel: 'design' }, 'j');
    await ana.request({ type: 'say', id: 'd1', channel: 'design', text: 'first sketch' }, 's');

    for (const [frame, ref] of [
      [{ type: 'topic', channel: 'design', topic: 'mine now' }, 'f1'],
      [{ type: 'rename', channel: 'design', name: 'art' }, 'f2'],
      [{ type: 'archive', channel: 'design' }, 'f3'],
      [{ type: 'topic', channel: 'general', topic: 'hi' }, 'f4'],
    ] as const) {
      assert.equal((await bo.refusal(frame, ref)).code, 'FORBIDDEN', ref);
    }
    const topic = await ana.request({ type: 'topic', channel: 'design', topic: 'sketches and mock-ups' }, 't');
    assert.ok(topic.type === 'channel' && topic.event === 'topic' && topic.channel.topic === 'sketches and mock-ups' && topic.by === 'ana');
    assert.equal((await bo.next('channel', (e) => e.event === 'topic')).channel.topic, 'sketches and mock-ups');

    assert.equal((await ana.refusal({ type: 'rename', channel: 'design', name: 'Art!' }, 'r0')).code, 'BAD_CHANNEL');
    assert.equal((await ana.refusal({ type: 'rename', channel: 'design', name: 'general' }, 'r1')).code, 'CHANNEL_EXISTS');
    assert.equal((await root.refusal({ type: 'rename', channel: 'general', name: 'lobby' }, 'r2')).code, 'BAD_REQUEST');
    assert.equal((await root.refusal({ type: 'archive', channel: 'general' }, 'r3')).code, 'BAD_REQUEST');
    const renamed = await root.request({ type: 'rename', channel: 'design', name: 'art' }, 'r4');
    assert.ok(renamed.type === 'channel' && renamed.event === 'renamed' && renamed.previous === 'design' && renamed.channel.name === 'art');
    assert.equal((await bo.next('channel', (e) => e.event === 'renamed')).channel.name, 'art');
    const history = await bo.request({ type: 'history', channel: 'art' }, 'h');
    assert.ok(history.type === 'history');
    assert.deepEqual(history.messages.map((m) => [m.text, m.channel]), [['first sketch', 'art']], 'the history moves with the name');
    assert.equal((await bo.refusal({ type: 'history', channel: 'design' }, 'h2')).code, 'UNKNOWN_CHANNEL');

    const archived = await ana.request({ type: 'archive', channel: 'art' }, 'a');
    assert.ok(archived.type === 'channel' && archived.event === 'archived' && archived.channel.archived === true);
    await bo.next('channel', (e) => e.event === 'archived');
    assert.equal((await bo.refusal({ type: 'say', id: 'late', channel: 'art', text: 'wait' }, 'x1')).code, 'CHANNEL_ARCHIVED');
    assert.equal((await ana.refusal({ type: 'topic', channel: 'art', topic: 'again' }, 'x2')).code, 'CHANNEL_ARCHIVED');
    assert.equal((await ana.refusal({ type: 'invite', channel: 'art', name: 'root' }, 'x3')).code, 'CHANNEL_ARCHIVED');
    assert.equal((await root.refusal({ type: 'join', channel: 'art' }, 'x4')).code, 'CHANNEL_ARCHIVED');
    assert.equal((await ana.refusal({ type: 'create', channel: 'art' }, 'x5')).code, 'CHANNEL_EXISTS', 'an archived channel keeps its name');
    const stillReadable = await bo.request({ type: 'history', channel: 'art' }, 'h3');
    assert.ok(stillReadable.type === 'history' && stillReadable.messages.length === 1);
    const browse = await ana.request({ type: 'channels' }, 'b');
    assert.ok(browse.type === 'channels');
    assert.deepEqual(browse.channels.map((c) => c.name), ['general']);
    const back = await TestClient.join2(server.url, 'ana', { token: ana.welcome.token! });
    assert.deepEqual(back.welcome.channels?.map((c) => c.name), ['general']);
  });

  it('answers names no channel can have with UNKNOWN_CHANNEL, and bad new names and taken ones with BAD_CHANNEL and CHANNEL_EXISTS', async () => {
    server = await startTestServer();
    const ana = await TestClient.join2(server.url, 'ana');
    for (const [frame, ref] of [
      [{ type: 'say', id: 'x', channel: 'Build', text: 'hi' }, 'u1'],
      [{ type: 'history', channel: 'nope' }, 'u2'],
      [{ type: 'join', channel: 'a b' }, 'u3'],
      [{ type: 'members', channel: 'x'.repeat(33) }, 'u4'],
      [{ type: 'read', channel: 'nope', seq: 1 }, 'u5'],
      [{ type: 'typing', channel: 'nope' }, 'u6'],
    ] as const) {
      assert.equal((await ana.refusal(frame, ref)).code, 'UNKNOWN_CHANNEL', ref);
    }
    const bad = await ana.refusal({ type: 'create', channel: 'Build' }, 'b1');
    assert.equal(bad.code, 'BAD_CHANNEL');
    assert.match(bad.message, /lower-case letters/);
    assert.equal((await ana.refusal({ type: 'create', channel: '' }, 'b2')).code, 'BAD_FRAME');
    assert.equal((await ana.refusal({ type: 'create', channel: 'general' }, 'b3')).code, 'CHANNEL_EXISTS');
    assert.equal((await ana.refusal({ type: 'say', id: 'y', channel: 'general', to: 'ana', text: 'hi' }, 'b4')).code, 'BAD_FRAME');
    assert.equal((await ana.refusal({ type: 'read', with: 'nobody', seq: 1 }, 'b5')).code, 'UNKNOWN_USER');
    assert.equal((await ana.refusal({ type: 'invite', channel: 'general', name: 'nobody' }, 'b6')).code, 'UNKNOWN_USER');
  });
});
