import assert from 'node:assert/strict';
import { UnreadCounter } from '../../../extension/model/unread';

describe('UnreadCounter', () => {
  it('counts per conversation and in total, remembering the first unread message', () => {
    const unread = new UnreadCounter();
    assert.equal(unread.noteIncoming('group', 'bob/1'), true);
    unread.noteIncoming('group', 'bob/2');
    unread.noteIncoming('private:carol', 'carol/1');
    assert.equal(unread.count('group'), 2);
    assert.equal(unread.total(), 3);
    assert.deepEqual(unread.conversations().sort(), ['group', 'private:carol']);
    assert.equal(unread.show('group'), 'bob/1');
    assert.equal(unread.count('group'), 0);
    assert.equal(unread.total(), 1);
  });

  it('does not count a conversation while it is visible, and counts again once hidden', () => {
    const unread = new UnreadCounter();
    assert.equal(unread.show('group'), undefined);
    assert.equal(unread.noteIncoming('group', 'bob/1'), false);
    assert.equal(unread.count('group'), 0);
    unread.hide('group');
    assert.equal(unread.noteIncoming('group', 'bob/2'), true);
    assert.equal(unread.count('group'), 1);
  });
});
