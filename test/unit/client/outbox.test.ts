import assert from 'node:assert/strict';
import { Outbox, type OutgoingMessage } from '../../../client/outbox';

function message(id: string): OutgoingMessage {
  return { id, text: `text ${id}`, status: 'queued' };
}

describe('client: outbox', () => {
  it('puts one message on the wire at a time, oldest first', () => {
    const outbox = new Outbox();
    const [a, b] = [message('a'), message('b')];
    outbox.add(a);
    outbox.add(b);
    assert.equal(outbox.nextToSend(), a);
    outbox.markSending(a);
    assert.equal(outbox.nextToSend(), undefined, 'b waits for the answer to a');
    assert.equal(outbox.acknowledge('a', 7, 1000), a);
    assert.deepEqual([a.status, a.seq, a.ts], ['sent', 7, 1000]);
    assert.equal(outbox.nextToSend(), b);
    assert.equal(outbox.acknowledge('a', 7, 1000), undefined, 'a second ack finds nothing');
  });

  it('requeues the message on the wire after a drop, keeping its place', () => {
    const outbox = new Outbox();
    const [a, b] = [message('a'), message('b')];
    outbox.add(a);
    outbox.add(b);
    outbox.markSending(a);
    outbox.requeueSending();
    assert.equal(a.status, 'queued');
    assert.equal(outbox.nextToSend(), a);
    assert.deepEqual(outbox.pending, [a, b]);
  });

  it('keeps refused messages aside until they are retried, at the end of the queue', () => {
    const outbox = new Outbox();
    const [a, b] = [message('a'), message('b')];
    outbox.add(a);
    outbox.add(b);
    outbox.refuse(a, { code: 'UNKNOWN_USER', message: 'no user is named "x"' });
    assert.equal(a.status, 'failed');
    assert.deepEqual(outbox.pending, [b]);
    const again = outbox.takeFailed('a');
    assert.equal(again.error, undefined);
    outbox.add(again);
    assert.deepEqual(outbox.pending, [b, a]);
    assert.throws(() => outbox.takeFailed('a'), /no failed message with id "a"/);
  });
});
