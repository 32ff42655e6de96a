import assert from 'node:assert/strict';
import { GENERAL } from '../../../extension/model/address';
import { treeRows, type UserEntry } from '../../../extension/model/tree-rows';

function user(name: string, extra: Partial<UserEntry> = {}): UserEntry {
  return { name, online: true, self: false, unread: 0, ...extra };
}

describe('the Online Users rows', () => {
  it('starts with #general and its unread count, whatever else there is', () => {
    assert.deepEqual(treeRows(0, []), [{ kind: 'conversation', conversation: GENERAL, unread: 0 }]);
    assert.deepEqual(treeRows(4, [user('bob')])[0], { kind: 'conversation', conversation: GENERAL, unread: 4 });
  });

  it('lists people with unread messages first, then yourself, online, offline, each by name', () => {
    const rows = treeRows(0, [
      user('zoe'),
      user('Dave', { online: false, unread: 1 }),
      user('me', { self: true }),
      user('carol', { online: false }),
      user('bob', { unread: 3 }),
      user('Anna'),
    ]);
    assert.deepEqual(
      rows.flatMap((row) => (row.kind === 'user' ? [row.name] : [])),
      ['bob', 'Dave', 'me', 'Anna', 'zoe', 'carol'],
    );
  });
});
