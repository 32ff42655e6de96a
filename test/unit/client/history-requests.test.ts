import assert from 'node:assert/strict';
import { HistoryRequests } from '../../../client/history-requests';
import { RelayError } from '../../../client/relay-error';
import type { HistoryFrame } from '../../../protocol';

function answer(fields: Partial<HistoryFrame>): HistoryFrame {
  return { type: 'history', messages: [], more: false, ...fields };
}

describe('client: history requests', () => {
  it('matches answers by the conversation and `before` they echo, not by order', async () => {
    const requests = new HistoryRequests();
    const group = requests.add({ type: 'history' });
    const withBob = requests.add({ type: 'history', with: 'Bob' });
    const older = requests.add({ type: 'history', before: 10 });
    for (let request = requests.nextUnsent(); request; request = requests.nextUnsent()) requests.markSent(request);

    requests.answer(answer({ before: 10, more: true }));
    requests.answer(answer({ with: 'bob' }));
    requests.answer(answer({}));
    assert.equal((await older).more, true);
    assert.equal((await withBob).with, 'bob');
    assert.equal((await group).with, undefined);
  });

  it('matches answers and errors by the ref the server echoes, even for requests that look alike', async () => {
    const requests = new HistoryRequests();
    const first = requests.add({ type: 'history', limit: 1 });
    const second = requests.add({ type: 'history', limit: 2 });
    const third = requests.add({ type: 'history', limit: 3 });
    const refs: string[] = [];
    for (let request = requests.nextUnsent(); request; request = requests.nextUnsent()) {
      assert.ok(request.ref, 'every request goes with a ref');
      refs.push(request.ref);
      requests.markSent(request);
    }
    assert.equal(new Set(refs).size, 3, 'each ref is its own');
    requests.answer(answer({ ref: refs[1]!, more: true }));
    assert.equal(requests.fail('BAD_FRAME', 'no', refs[2]!), true);
    requests.answer(answer({ ref: refs[0]!, more: false }));
    assert.equal((await second).more, true);
    assert.equal((await first).more, false);
    await assert.rejects(third, (error: RelayError) => error.code === 'BAD_FRAME');
    requests.answer(answer({ ref: 'not one of ours' }));
  });

  it('only answers requests on the wire; after resendAll they go again and a late second answer is ignored', async () => {
    const requests = new HistoryRequests();
    const pending = requests.add({ type: 'history' });
    requests.answer(answer({ more: true }));
    const request = requests.nextUnsent();
    assert.ok(request, 'an answer cannot be for a request not sent yet');
    requests.markSent(request);
    requests.resendAll();
    assert.equal(requests.nextUnsent(), request);
    requests.markSent(request);
    requests.answer(answer({ more: false }));
    requests.answer(answer({ more: true }));
    assert.equal((await pending).more, false);
    assert.equal(requests.nextUnsent(), undefined);
  });

  it('rejects the request an error without an id can be about', async () => {
    const requests = new HistoryRequests();
    const group = requests.add({ type: 'history' });
    const withGhost = requests.add({ type: 'history', with: 'ghost' });
    for (let request = requests.nextUnsent(); request; request = requests.nextUnsent()) requests.markSent(request);
    assert.equal(requests.fail('RATE_LIMITED', 'slow down'), false);
    assert.equal(requests.fail('UNKNOWN_USER', 'no user is named "ghost"'), true);
    await assert.rejects(withGhost, (error: RelayError) => error.code === 'UNKNOWN_USER');
    assert.equal(requests.fail('UNKNOWN_USER', 'again'), false, 'the group request names no one');
    requests.rejectAll(new RelayError('DISCONNECTED', 'gone'));
    await assert.rejects(group, (error: RelayError) => error.code === 'DISCONNECTED');
  });
});
