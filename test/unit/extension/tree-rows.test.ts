import assert from 'node:assert/strict';
import {
  attentionCount,
  sectionChildren,
  sectionRows,
  type ChannelEntry,
  type SidebarData,
  type UserEntry,
} from '../../../extension/model/tree-rows';

function user(name: string, extra: Partial<UserEntry> = {}): UserEntry {
  return { name, online: true, self: false, unread: 0, ...extra };
}

function channel(name: string, extra: Partial<ChannelEntry> = {}): ChannelEntry {
  return { conversation: { kind: 'channel', channel: name }, unread: 0, mentions: 0, muted: false, topic: '', private: false, ...extra };
}

function names(section: 'channels' | 'direct' | 'online', data: SidebarData): string[] {
  return sectionChildren(section, data).map((row) =>
    row.kind === 'conversation' ? `#${row.conversation.channel}` : row.kind === 'user' ? row.name : row.section,
  );
}

const EMPTY: SidebarData = { channels: [], direct: [], online: [] };

describe('the sidebar sections', () => {
  it('has Channels, Direct Messages and Online, in that order', () => {
    assert.deepEqual(
      sectionRows().map((row) => row.section),
      ['channels', 'direct', 'online'],
    );
  });

  it('puts channels with mentions first, then unread ones (unless muted), then the rest by name', () => {
    const data = {
      ...EMPTY,
      channels: [
        channel('zeta'),
        channel('general'),
        channel('muted-chat', { unread: 9, muted: true }),
        channel('build', { unread: 2 }),
        channel('ops', { unread: 1, mentions: 1, muted: true }),
        channel('alpha'),
      ],
    };
    assert.deepEqual(names('channels', data), ['#ops', '#build', '#alpha', '#general', '#muted-chat', '#zeta']);
  });

  it('keeps direct conversations in the order given (the latest activity first), offline people included', () => {
    const data = { ...EMPTY, direct: [user('zoe', { online: false }), user('Anna', { unread: 2 }), user('bob')] };
    assert.deepEqual(names('direct', data), ['zoe', 'Anna', 'bob']);
  });

  it('lists everyone online with yourself first, then by name', () => {
    const data = { ...EMPTY, online: [user('zoe'), user('me', { self: true }), user('Anna'), user('bob')] };
    assert.deepEqual(names('online', data), ['me', 'Anna', 'bob', 'zoe']);
  });

  it('badges mentions (muted channels too) and unread direct messages, not other channel traffic', () => {
    const data = {
      channels: [channel('build', { unread: 5, mentions: 1 }), channel('ops', { unread: 3, mentions: 2, muted: true }), channel('general', { unread: 40 })],
      direct: [user('bob', { unread: 4 }), user('carol')],
      online: [user('bob', { unread: 4 })],
    };
    assert.equal(attentionCount(data), 1 + 2 + 4);
    assert.equal(attentionCount(EMPTY), 0);
  });
});
