import assert from 'node:assert/strict';
import { conversationArg } from '../../../extension/model/command-args';
import { GENERAL } from '../../../extension/model/address';
import { sectionChildren, type ChannelEntry, type UserEntry } from '../../../extension/model/tree-rows';

describe('conversationArg (what a command was invoked with)', () => {
  it('takes a user name, as a tree row passes it', () => {
    assert.deepEqual(conversationArg('alice'), { kind: 'direct', with: 'alice' });
  });

  it('takes the tree node the view toolbar passes while a row has focus', () => {
    const node: UserEntry = { name: 'alice', online: true, self: false, unread: 2 };
    assert.deepEqual(conversationArg(node), { kind: 'direct', with: 'alice' });
    const general: ChannelEntry = { conversation: { kind: 'channel', channel: 'general' }, unread: 3, mentions: 0, muted: false, topic: '', private: false };
    const data = { channels: [general], direct: [node], online: [node] };
    const [generalRow] = sectionChildren('channels', data);
    const [aliceRow] = sectionChildren('direct', data);
    assert.deepEqual(conversationArg(generalRow), GENERAL);
    assert.deepEqual(conversationArg(aliceRow), { kind: 'direct', with: 'alice' });
  });

  it('takes a conversation, as other callers pass it, in the form older versions used too', () => {
    assert.deepEqual(conversationArg({ kind: 'channel', channel: 'general' }), GENERAL);
    assert.deepEqual(conversationArg({ kind: 'direct', with: 'bob' }), { kind: 'direct', with: 'bob' });
    assert.deepEqual(conversationArg({ kind: 'group' }), GENERAL);
    assert.deepEqual(conversationArg({ kind: 'private', with: 'bob' }), { kind: 'direct', with: 'bob' });
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
      { kind: 'direct', with: 'not a name' },
      { kind: 'channel', channel: 'Not A Channel' },
      { kind: 'channel' },
      { kind: 'conversation', conversation: { kind: 'private' } },
    ]) {
      assert.equal(conversationArg(arg), undefined, JSON.stringify(arg));
    }
  });
});
