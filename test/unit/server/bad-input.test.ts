import assert from 'node:assert/strict';
import net from 'node:net';
import type { RelayServer } from '../../../server';
import { startTestServer } from '../../support/server';
import { TestClient } from '../../support/ws-test-client';

describe('server: bad input', () => {
  let server: RelayServer;
  afterEach(() => server.close());

  it('answers malformed frames with BAD_FRAME and keeps the connection open', async () => {
    server = await startTestServer();
    const alice = await TestClient.join(server.url, 'alice');
    const cases: Array<[string | object, RegExp]> = [
      ['not json', /not valid JSON/],
      ['[1,2]', /JSON object/],
      [{ type: 'dance' }, /unknown frame type "dance"; expected one of hello, say, history, typing/],
      [{ text: 'no type' }, /frame has no "type"/],
      [{ type: ['x'] }, /"type" must be a string, got an array/],
      [{ type: 'say', id: 7, text: 'x' }, /id/],
      [{ type: 'say', id: 'x'.repeat(65), text: 'x' }, /id/],
      [{ type: 'say', id: 'w', text: ' \n\t ' }, /white space/],
      [{ type: 'say', id: 'e', text: '' }, /white space/],
      [{ type: 'history', limit: -1 }, /limit/],
      [{ type: 'history', before: 'yesterday' }, /before/],
      [{ type: 'hello', name: 'alice' }, /already welcomed/],
    ];
    for (const [frame, pattern] of cases) {
      alice.send(frame);
      const error = await alice.next('error');
      assert.equal(error.code, 'BAD_FRAME', JSON.stringify(frame));
      assert.match(error.message, pattern);
    }
    alice.send({ type: 'say', id: 'w2', text: '   ' });
    assert.equal((await alice.next('error')).id, 'w2', 'errors about a say carry its id');
    alice.send(Buffer.from([1, 2, 3]));
    assert.match((await alice.next('error')).message, /binary/);
    alice.send({ type: 'say', id: 'ok', text: 'still here' });
    await alice.next('ack');
  });

  it('counts the text limit in code points: 4000 emoji pass, 4001 get TOO_LONG', async () => {
    server = await startTestServer();
    const alice = await TestClient.join(server.url, 'alice');
    alice.send({ type: 'say', id: 'max', text: '😀'.repeat(4000) });
    assert.equal((await alice.next('ack')).id, 'max');
    alice.send({ type: 'say', id: 'over', text: 'a'.repeat(4001) });
    const error = await alice.next('error');
    assert.deepEqual([error.code, error.id], ['TOO_LONG', 'over']);
  });

  it('answers frames before hello with NOT_WELCOMED', async () => {
    server = await startTestServer();
    const client = await TestClient.connect(server.url);
    client.send({ type: 'say', id: 'early', text: 'hi' });
    const error = await client.next('error');
    assert.deepEqual([error.code, error.id], ['NOT_WELCOMED', 'early']);
    client.send({ type: 'hello', name: 'late' });
    await client.next('welcome');
  });

  it('closes with 1009 on a frame over 64 KiB and 1007 on invalid UTF-8, without touching others', async () => {
    server = await startTestServer();
    const bystander = await TestClient.join(server.url, 'bystander');
    const big = await TestClient.join(server.url, 'big');
    big.send({ type: 'say', id: 'big', text: 'x'.repeat(70_000) });
    assert.equal((await big.closed).code, 1009);
    const broken = await TestClient.join(server.url, 'broken');
    // ws refuses to send invalid UTF-8 as text, so write the frame by hand on the raw socket.
    const socket = (broken.ws as unknown as { _socket: net.Socket })._socket;
    const payload = Buffer.from([0xc3, 0x28]);
    const mask = Buffer.from([0, 0, 0, 0]);
    socket.write(Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, payload]));
    assert.equal((await broken.closed).code, 1007);
    bystander.send({ type: 'say', id: 'fine', text: 'unaffected' });
    await bystander.next('ack');
  });

  it('rate-limits a flood with RATE_LIMITED and closes one that keeps flooding with 4008', async () => {
    server = await startTestServer({ rateLimit: { burst: 5, perSecond: 1 } });
    const bystander = await TestClient.join(server.url, 'bystander');
    const flooder = await TestClient.join(server.url, 'flooder');
    for (let i = 0; i < 5; i++) flooder.send({ type: 'say', id: `f${i}`, text: 'spam' });
    const limited = await flooder.next('error');
    assert.equal(limited.code, 'RATE_LIMITED');
    // The refusal may overtake the acks of the says before it, which wait for their commit.
    for (let i = 0; i < 4; i++) await flooder.next('ack', (ack) => ack.id === `f${i}`);
    assert.ok(limited.id === 'f4' && flooder.pending('ack').length === 0, 'the hello took one token of five, four says fit');
    for (let i = 0; i < 10; i++) flooder.send({ type: 'typing' });
    assert.equal((await flooder.closed).code, 4008);
    bystander.send({ type: 'say', id: 'fine', text: 'unaffected' });
    await bystander.next('ack');
  });

  it('drops a client that stops reading once its backlog passes the cap; others keep receiving', async function () {
    this.timeout(30_000);
    // The cap is well above one burst (20 messages of 12 KB), so a reader that keeps up, here in
    // the same process as the server, is never behind by more than the cap, even on a busy machine.
    server = await startTestServer({ maxBufferedBytes: 1024 * 1024, rateLimit: { burst: 10_000, perSecond: 10_000 } });
    const talker = await TestClient.join(server.url, 'talker');
    const reader = await TestClient.join(server.url, 'reader');
    const stuck = await TestClient.join(server.url, 'stuck');
    const stuckSocket = (stuck.ws as unknown as { _socket: net.Socket })._socket;
    stuckSocket.pause();
    const text = '€'.repeat(4000);
    const count = 1500; // 18 MB: well past both the cap and the kernel's socket buffers
    for (let i = 0; i < count; i++) {
      talker.send({ type: 'say', id: `m${i}`, text });
      if (i % 20 === 19) await talker.next('ack', (a) => a.id === `m${i}`);
    }
    for (let i = 0; i < count; i++) await reader.next('message', (m) => m.id === `m${i}`);
    assert.equal(reader.ws.readyState, reader.ws.OPEN, 'a reader that keeps up is not dropped');
    await talker.next('presence', (p) => p.name === 'stuck' && !p.online, 10_000);
  });
});
