import assert from 'node:assert/strict';
import {
  conversationKey,
  conversationOfMessage,
  conversationTitle,
  direct,
  GENERAL,
  upgradeSavedConversation,
} from '../../../extension/model/address';
import { panelView, webviewState } from '../../../extension/webview-protocol';

describe('conversation addresses in the extension', () => {
  it('titles #general by its channel and a direct conversation by the person', () => {
    assert.equal(conversationTitle(GENERAL, 'alice'), '#general');
    assert.equal(conversationTitle(direct('bob'), 'alice'), 'bob');
    assert.equal(conversationTitle(direct('Alice'), 'alice'), 'Alice (notes)');
    assert.equal(conversationTitle(direct('bob'), undefined), 'bob');
  });

  it('puts a v1 server\'s group message in #general and a direct one with the other side', () => {
    assert.deepEqual(conversationOfMessage({ from: 'bob', text: 'hi' } as { from: string }, 'alice'), GENERAL);
    assert.deepEqual(conversationOfMessage({ from: 'bob', to: 'alice' }, 'ALICE'), direct('bob'));
    assert.deepEqual(conversationOfMessage({ from: 'Alice', to: 'bob' }, 'alice'), direct('bob'));
    assert.equal(conversationKey(direct('BOB')), conversationKey(direct('bob')));
    assert.notEqual(conversationKey(GENERAL), conversationKey(direct('general')));
  });

  it('reads the addresses older versions saved as today\'s', () => {
    assert.deepEqual(upgradeSavedConversation({ kind: 'group' }), GENERAL);
    assert.deepEqual(upgradeSavedConversation({ kind: 'private', with: 'bob' }), direct('bob'));
    const current = { kind: 'channel', channel: 'general' };
    assert.equal(upgradeSavedConversation(current), current);
    assert.equal(upgradeSavedConversation('group'), 'group');
  });

  it('restores the webview state older versions saved, and refuses what names nothing', () => {
    const restored = (state: unknown): unknown => {
      const parsed = webviewState.safeParse(state);
      return parsed.success ? parsed.data : undefined;
    };
    assert.deepEqual(restored({ conversation: { kind: 'group' }, draft: 'unsent' }), { conversation: GENERAL, draft: 'unsent' });
    assert.deepEqual(restored({ conversation: { kind: 'private', with: 'bob' }, draft: '' }), { conversation: direct('bob'), draft: '' });
    assert.deepEqual(restored({ conversation: direct('bob'), draft: '' }), { conversation: direct('bob'), draft: '' });
    for (const conversation of [
      { kind: 'private', with: 'not a name' },
      { kind: 'private' },
      { kind: 'direct', with: 'x'.repeat(33) },
      { kind: 'channel', channel: '#general' },
      { kind: 'channel', channel: 'UPPER' },
      undefined,
    ]) {
      assert.equal(restored({ conversation, draft: '' }), undefined, JSON.stringify(conversation));
    }
  });

  it('sends a panel only the new form: a view naming a group is invalid', () => {
    const view = {
      title: '#general',
      connection: { state: 'online', reached: true },
      entries: [],
      hasMore: false,
      loadingOlder: false,
      typing: [],
      mentionable: [],
    };
    assert.equal(panelView.safeParse({ ...view, conversation: GENERAL }).success, true);
    assert.equal(panelView.safeParse({ ...view, conversation: { kind: 'group' } }).success, false);
  });
});
