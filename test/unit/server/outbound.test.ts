import assert from 'node:assert/strict';
import type { Writable } from 'node:stream';
import ws from 'ws';
import type { BrokerEvent } from '../../../server';
import type { Connection } from '../../../server/connection';
import { Hub } from '../../../server/hub';
import { encodeTextFrame } from '../../../server/outbound';

/** Decodes frames with ws's own client-side parser, so the encoder is checked against another implementation. */
function decode(frame: Buffer): string[] {
  // ws exports its parser but @types/ws does not declare it.
  const Receiver = (ws as unknown as { Receiver: new (options: { isServer: boolean }) => Writable }).Receiver;
  const receiver = new Receiver({ isServer: false });
  const messages: string[] = [];
  receiver.on('message', (data: Buffer) => messages.push(data.toString('utf8')));
  receiver.write(frame);
  return messages;
}

describe('server: outbound frames', () => {
  for (const length of [0, 1, 125, 126, 127, 65_535, 65_536, 200_000]) {
    it(`encodes a ${length}-byte text frame that ws decodes`, () => {
      const payload = 'a'.repeat(length);
      assert.deepEqual(decode(encodeTextFrame(payload)), [payload]);
    });
  }

  it('encodes multi-byte UTF-8 by byte length', () => {
    const payload = 'é😀'.repeat(50);
    assert.deepEqual(decode(encodeTextFrame(payload)), [payload]);
  });

  it('frames a broadcast once and queues the same buffer for every recipient', () => {
    const hub = new Hub();
    const received: Array<{ key: string; frame: Buffer }> = [];
    for (const key of ['a', 'b', 'c', 'd']) {
      const connection = { deliver: (frame: Buffer) => received.push({ key, frame }) } as unknown as Connection;
      hub.register(key, connection);
    }
    const event: BrokerEvent = { audience: { kind: 'everyone', except: 'a' }, payload: '{"type":"presence"}' };
    hub.deliver(event);
    assert.deepEqual(received.map((r) => r.key), ['b', 'c', 'd']);
    assert.ok(received.every((r) => r.frame === received[0]!.frame), 'one buffer shared by all recipients');
  });
});
