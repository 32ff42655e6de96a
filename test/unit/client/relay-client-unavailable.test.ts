import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { RelayClient } from '../../../client/relay-client';
import { makeClient, nextEvent, online } from './helpers';

describe('client: a say the server answers UNAVAILABLE (its database out of reach)', () => {
  let wss: WebSocketServer;
  let client: RelayClient | undefined;
  afterEach(async () => {
    await client?.close();
    await new Promise((resolve) => wss.close(resolve));
  });

  it('goes again with the same id after the wait the server asks for, and is never marked failed', async () => {
    const says: Array<{ id: string; at: number }> = [];
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    wss.on('connection', (socket) => {
      socket.on('message', (data: Buffer) => {
        const frame = JSON.parse(data.toString()) as { type: string; id?: string };
        if (frame.type === 'hello') {
          socket.send(JSON.stringify({ type: 'welcome', name: 'ann', session: 's', users: ['ann'], messages: [], seq: 0 }));
        } else if (frame.type === 'say') {
          says.push({ id: frame.id!, at: Date.now() });
          socket.send(
            says.length === 1
              ? JSON.stringify({ type: 'error', code: 'UNAVAILABLE', message: 'the database is unreachable', id: frame.id, retryAfterMs: 150 })
              : JSON.stringify({ type: 'ack', id: frame.id, seq: 1, ts: Date.now() }),
          );
        }
      });
    });
    await new Promise((resolve) => wss.once('listening', resolve));
    client = makeClient(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, 'ann');
    await online(client);
    let failed = false;
    client.on('failed', () => (failed = true));
    const sent = nextEvent(client, 'sent');
    const message = client.send('hello');
    const [acked] = await sent;
    assert.equal(acked.id, message.id);
    assert.deepEqual(says.map((say) => say.id), [message.id, message.id], 'the same say, twice');
    assert.ok(says[1]!.at - says[0]!.at >= 140, `resent after the wait (${says[1]!.at - says[0]!.at} ms)`);
    assert.equal(failed, false);
  });
});
