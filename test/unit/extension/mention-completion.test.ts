import assert from 'node:assert/strict';
import { applyMention, completeMentions, mentionQuery } from '../../../extension/model/mention-completion';

describe('completing @names', () => {
  it('finds the @word being typed before the caret', () => {
    assert.deepEqual(mentionQuery('hi @bo', 6), { start: 3, prefix: 'bo' });
    assert.deepEqual(mentionQuery('@', 1), { start: 0, prefix: '' });
    assert.deepEqual(mentionQuery('(@Ann.e', 7), { start: 1, prefix: 'Ann.e' });
    assert.deepEqual(mentionQuery('hi @bob and', 6), { start: 3, prefix: 'bo' }, 'up to the caret only');
  });

  it('is not completing after a space, in an e-mail address, or without an @', () => {
    assert.equal(mentionQuery('hi @bob there', 13), undefined);
    assert.equal(mentionQuery('mail anna@example', 17), undefined);
    assert.equal(mentionQuery('hello', 5), undefined);
  });

  it('offers prefix matches first, then names containing it, as names compare, each once', () => {
    const names = ['carol', 'Bob', 'bobby', 'abbot', 'BOB', 'here', 'channel'];
    assert.deepEqual(completeMentions('bo', names), ['Bob', 'bobby', 'abbot']);
    assert.deepEqual(completeMentions('', names), ['abbot', 'Bob', 'bobby', 'carol', 'channel', 'here']);
    assert.deepEqual(completeMentions('c', names), ['carol', 'channel'], 'people before @channel');
    assert.deepEqual(completeMentions('c', ['channel', 'Cy', 'carol']), ['carol', 'Cy', 'channel']);
    assert.deepEqual(completeMentions('h', names), ['here', 'channel']);
    assert.deepEqual(completeMentions('zz', names), []);
    assert.equal(completeMentions('', names, 2).length, 2);
  });

  it('replaces the query with the name and a space, the caret after it', () => {
    assert.deepEqual(applyMention('hi @bo', { start: 3, prefix: 'bo' }, 6, 'Bob'), { text: 'hi @Bob ', caret: 8 });
    assert.deepEqual(applyMention('@ca how?', { start: 0, prefix: 'ca' }, 3, 'carol'), { text: '@carol how?', caret: 7 });
  });
});
