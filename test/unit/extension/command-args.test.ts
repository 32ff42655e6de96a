import assert from 'node:assert/strict';
import { conversationArg } from '../../../extension/model/command-args';
import type { UserEntry } from '../../../extension/model/chat-model';

describe('conversationArg (what a command was invoked with)', () => {
  it('takes a user name, as a tree row passes it', () => {
    assert.deepEqual(conversationArg('alice'), { kind: 'private', with: 'alice' });
  });

  it('takes the tree node the view toolbar passes while a row has focus', () => {
    const node: UserEntry = { name: 'alice', online: true, self: false, unread: 2 };
    assert.deepEqual(conversationArg(node), { kind: 'private', with: 'alice' });
  });

  it('takes a conversation, as other callers pass it', () => {
    assert.deepEqual(conversationArg({ kind: 'group' }), { kind: 'group' });
    assert.deepEqual(conversationArg({ kind: 'private', with: 'bob' }), { kind: 'private', with: 'bob' });
  });

  it('recognises nothing else, so the command asks instead', () => {
    const editorMenuUri = { scheme: 'file', path: '/work/a.ts', fsPath: '/work/a.ts' };
    for (const arg of [
      undefined,
      null,
      42,
      '',
      'not a name',
      'x'.repeat(33),
      editorMenuUri,
      [{ name: 'alice', online: true, self: false, unread: 0 }],
      { name: 'not a name', online: true, self: false, unread: 0 },
      { kind: 'private', with: 'not a name' },
      { kind: 'private' },
    ]) {
      assert.equal(conversationArg(arg), undefined, JSON.stringify(arg));
    }
  });
});
