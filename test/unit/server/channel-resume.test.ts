import assert from 'node:assert/strict';
import type { RelayServer } from '../../../server';
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
