import assert from 'node:assert/strict';
import { parseNotificationsSetting, shouldNotify, type ArrivedMessage } from '../../../extension/model/notification-policy';

const channelMessage: ArrivedMessage = { conversation: { kind: 'channel', channel: 'build' }, mentionsMe: false, beingViewed: false, muted: false };
const mention: ArrivedMessage = { ...channelMessage, mentionsMe: true };
const directMessage: ArrivedMessage = { conversation: { kind: 'direct', with: 'bob' }, mentionsMe: false, beingViewed: false, muted: false };

describe('which messages notify', () => {
  it('by default (private): direct messages and mentions, not other channel messages', () => {
    assert.equal(shouldNotify('private', directMessage), true);
    assert.equal(shouldNotify('private', mention), true);
    assert.equal(shouldNotify('private', channelMessage), false);
  });

  it('mentions only: just messages that mention the user', () => {
    assert.equal(shouldNotify('mentions', mention), true);
    assert.equal(shouldNotify('mentions', { ...directMessage, mentionsMe: true }), true);
    assert.equal(shouldNotify('mentions', directMessage), false);
    assert.equal(shouldNotify('mentions', channelMessage), false);
  });

  it('all and none', () => {
    assert.equal(shouldNotify('all', channelMessage), true);
    for (const message of [channelMessage, mention, directMessage]) assert.equal(shouldNotify('none', message), false);
  });

  it('never for the conversation being looked at, nor for a muted channel, even a mention', () => {
    for (const setting of ['all', 'private', 'mentions'] as const) {
      assert.equal(shouldNotify(setting, { ...mention, beingViewed: true }), false);
      assert.equal(shouldNotify(setting, { ...directMessage, beingViewed: true }), false);
      assert.equal(shouldNotify(setting, { ...mention, muted: true }), false);
    }
  });

  it('reads the setting, taking anything unknown as the default', () => {
    for (const value of ['all', 'private', 'mentions', 'none']) assert.equal(parseNotificationsSetting(value), value);
    assert.equal(parseNotificationsSetting('loud'), 'private');
    assert.equal(parseNotificationsSetting(undefined), 'private');
  });
});
