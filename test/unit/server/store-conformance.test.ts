/**
 * One behaviour, two stores: every test here runs on the embedded SQLite store and on
 * PostgreSQL, through the seams only (MessageStore, ChannelStore, IdentityStore), so a node on
 * either answers every client the same.
 */
import assert from 'node:assert/strict';
import { openSqliteBackend, releaseAccount, type Storage } from '../../../server';
import type { Account } from '../../../server/identity/identity-store';
import { openPostgresBackend } from '../../../server/store/postgres/postgres-backend';
import type { NewMessage, StoredConversation } from '../../../server/store/message-store';
import { usePostgres } from '../../support/postgres';

function conformance(open: () => Promise<Storage>): void {
  let storage: Storage;
  let general: StoredConversation;
  beforeEach(async () => {
    storage = await open();
    general = { kind: 'channel', channel: await storage.channels.general() };
  });
  afterEach(() => storage.close());

  async function account(name: string): Promise<Account> {
    const made = await storage.identity.createAccount(name, 'scrypt$not-a-real-hash', false);
    assert.notEqual(made, 'taken');
    return made as Account;
  }

  function say(sender: Account, clientId: string, conversation: StoredConversation, extra: Partial<NewMessage> = {}): Promise<number> {
    return storage.store.append({ sender, clientId, text: `text of ${clientId}`, conversation, ...extra }).then((result) => result.message.seq);
  }

  const direct = (other: Account): StoredConversation => ({ kind: 'direct', with: other });

  it('appends with strictly increasing seqs, keeps the order of calls, and answers a reused id with the original', async () => {
    const ana = await account('Ana');
    const results = await Promise.all(['m1', 'm2', 'm3'].map((id) => storage.store.append({ sender: ana, clientId: id, text: id, conversation: general })));
    assert.deepEqual(results.map((r) => r.message.seq), [1, 2, 3]);
    assert.deepEqual(results.map((r) => r.duplicate), [false, false, false]);
    const first = results[0]!.message;
    assert.deepEqual(first, { type: 'message', seq: 1, id: 'm1', from: 'Ana', text: 'm1', ts: first.ts, channel: 'general' });
    const again = await storage.store.append({ sender: ana, clientId: 'm1', text: 'changed', conversation: general });
    assert.equal(again.duplicate, true);
    assert.deepEqual(again.message, first, 'the original, as stored');
    const twiceInOneTurn = await Promise.all([1, 2].map(() => storage.store.append({ sender: ana, clientId: 'm4', text: 'm4', conversation: general })));
    assert.deepEqual(twiceInOneTurn.map((r) => r.duplicate), [false, true]);
    assert.equal(twiceInOneTurn[1]!.message.seq, twiceInOneTurn[0]!.message.seq);
    assert.ok((await say(ana, 'm5', general)) > twiceInOneTurn[0]!.message.seq);
    // (Whether a duplicate uses up a seq differs: SQLite's AUTOINCREMENT does, PostgreSQL's counter
    // does not; postgres-store.test.ts holds PostgreSQL to gap-free.)
    // Another sender may use the same id.
    const bo = await account('bo');
    assert.equal((await storage.store.append({ sender: bo, clientId: 'm1', text: 'x', conversation: general })).duplicate, false);
  });

  it('reads history per conversation, newest page first, with before and more; a direct conversation is the same from both sides', async () => {
    const ana = await account('ana');
    const bo = await account('bo');
    for (let i = 1; i <= 5; i++) await say(ana, `g${i}`, general);
    await say(ana, 'd1', direct(bo), { mentions: ['bo'], mentioned: [bo.id] });
    await say(bo, 'd2', direct(ana));
    const page = await storage.store.history({ viewer: bo, conversation: general, limit: 2 });
    assert.deepEqual(page.messages.map((m) => m.id), ['g4', 'g5']);
    assert.equal(page.more, true);
    const older = await storage.store.history({ viewer: bo, conversation: general, limit: 10, before: page.messages[0]!.seq });
    assert.deepEqual(older.messages.map((m) => m.id), ['g1', 'g2', 'g3']);
    assert.equal(older.more, false);
    const fromAna = await storage.store.history({ viewer: ana, conversation: direct(bo), limit: 10 });
    const fromBo = await storage.store.history({ viewer: bo, conversation: direct(ana), limit: 10 });
    assert.deepEqual(fromAna, fromBo);
    assert.deepEqual(
      fromAna.messages.map(({ id, from, to, mentions, channel }) => ({ id, from, to, mentions, channel })),
      [
        { id: 'd1', from: 'ana', to: 'bo', mentions: ['bo'], channel: undefined },
        { id: 'd2', from: 'bo', to: 'ana', mentions: undefined, channel: undefined },
      ],
    );
  });

  it('takes welcome snapshots: the latest, or what came after a seq with a gap flag, in the scope asked, with the latest seq', async () => {
    const ana = await account('ana');
    const bo = await account('bo');
    const cy = await account('cy');
    const ops = await storage.channels.create('ops', ana, { private: false, topic: '' });
    assert.notEqual(ops, 'exists');
    const opsConversation: StoredConversation = { kind: 'channel', channel: ops as Exclude<typeof ops, 'exists'> };
    await say(ana, 'g1', general);
    await say(ana, 'o1', opsConversation);
    await say(ana, 'p1', direct(bo));
    await say(bo, 'p2', direct(cy));
    const latestSeq = await say(ana, 'g2', general);
    const ids = (snapshot: { messages: Array<{ id: string }> }): string[] => snapshot.messages.map((m) => m.id);

    const v1 = await storage.store.welcomeSnapshot(ana, 'general-and-direct', undefined, 10);
    assert.deepEqual(ids(v1), ['g1', 'p1', 'g2'], '#general and her direct conversations, not #ops');
    assert.equal(v1.latestSeq, latestSeq);
    assert.equal(v1.gap, false);
    assert.deepEqual(ids(await storage.store.welcomeSnapshot(ana, 'all', undefined, 10)), ['g1', 'o1', 'p1', 'g2']);
    assert.deepEqual(ids(await storage.store.welcomeSnapshot(ana, 'all', undefined, 2)), ['p1', 'g2'], 'the newest within the limit');
    assert.deepEqual(ids(await storage.store.welcomeSnapshot(bo, 'all', undefined, 10)), ['g1', 'p1', 'p2', 'g2'], 'bo is not in #ops');
    const resumed = await storage.store.welcomeSnapshot(ana, 'all', 2, 10);
    assert.deepEqual(ids(resumed), ['p1', 'g2']);
    assert.equal(resumed.gap, false);
    const tooMuch = await storage.store.welcomeSnapshot(ana, 'all', 0, 2);
    assert.deepEqual(ids(tooMuch), ['p1', 'g2']);
    assert.equal(tooMuch.gap, true);
    await storage.channels.archive(opsConversation.kind === 'channel' ? opsConversation.channel : ops as never);
    assert.deepEqual(ids(await storage.store.welcomeSnapshot(ana, 'all', undefined, 10)), ['g1', 'p1', 'g2'], 'an archived channel is left out');
  });

  it('keeps read positions: one’s own message is read, markRead never goes back or past the latest, and counts unread and mentions', async () => {
    const ana = await account('ana');
    const bo = await account('bo');
    const s1 = await say(ana, 'a1', general);
    await say(bo, 'b1', general, { mentions: ['ana'], mentioned: [ana.id] });
    const s3 = await say(bo, 'b2', general);
    await say(bo, 'd1', direct(ana), { mentions: ['ana'], mentioned: [ana.id] });
    const state = await storage.channels.readState(ana, Number.MAX_SAFE_INTEGER);
    assert.deepEqual(
      state.channels.map(({ name, unread, mentions, lastRead, members }) => ({ name, unread, mentions, lastRead, members })),
      [{ name: 'general', unread: 2, mentions: 1, lastRead: s1, members: 2 }],
    );
    assert.equal(state.direct.length, 1);
    assert.deepEqual({ ...state.direct[0], lastActivity: 0 }, { with: 'bo', unread: 1, mentions: 1, lastRead: 0, lastSeq: s3 + 1, lastActivity: 0 });
    // As a welcome whose snapshot ended at b1 sees it: b2 and the direct message come after it.
    const asOfB1 = await storage.channels.readState(ana, s3 - 1);
    assert.deepEqual(asOfB1.channels.map(({ unread, mentions }) => ({ unread, mentions })), [{ unread: 1, mentions: 1 }]);
    assert.deepEqual(asOfB1.direct, [], 'no direct conversation before the snapshot');
    assert.deepEqual(await storage.channels.markRead(ana, general, s3 + 100), { seq: s3, unread: 0, mentions: 0 }, 'not past the latest');
    assert.deepEqual(await storage.channels.markRead(ana, general, s1), { seq: s3, unread: 0, mentions: 0 }, 'never back');
    assert.deepEqual(await storage.channels.markRead(ana, direct(bo), s3 + 1), { seq: s3 + 1, unread: 0, mentions: 0 });
    assert.deepEqual((await storage.channels.readState(bo, Number.MAX_SAFE_INTEGER)).direct.map((d) => [d.with, d.unread]), [['ana', 0]], 'bo wrote it: read');
  });

  it('makes, finds, joins, leaves, renames, archives and lists channels; a private one only for its members', async () => {
    const ana = await account('ana');
    const bo = await account('bo');
    const made = await storage.channels.create('design', ana, { private: true, topic: 'pixels' });
    assert.notEqual(made, 'exists');
    const design = made as Exclude<typeof made, 'exists'>;
    assert.deepEqual({ ...design, id: 0 }, { id: 0, name: 'design', topic: 'pixels', private: true, createdById: ana.id, archived: false });
    assert.equal(await storage.channels.create('design', bo, { private: false, topic: '' }), 'exists');
    assert.deepEqual(await storage.channels.info(design), { name: 'design', topic: 'pixels', private: true, members: 1, createdBy: 'ana' });
    assert.deepEqual((await storage.channels.browse(bo)).map((c) => c.name), ['general'], 'private: bo does not see it');
    await say(ana, 'x1', { kind: 'channel', channel: design });
    assert.equal(await storage.channels.addMember(design, bo), true);
    assert.equal(await storage.channels.addMember(design, bo), false);
    assert.equal(await storage.channels.isMember(design, bo), true);
    const boState = (await storage.channels.readState(bo, Number.MAX_SAFE_INTEGER)).channels.find((c) => c.name === 'design')!;
    assert.equal(boState.unread, 0, 'a new member has read what came before');
    assert.deepEqual((await storage.channels.members(design)).map((u) => u.name), ['ana', 'bo']);
    assert.deepEqual((await storage.channels.browse(bo)).map((c) => [c.name, c.joined, c.members]), [['design', true, 2], ['general', true, 2]]);
    assert.deepEqual((await storage.channels.subscriptions(bo)).sort(), [design.id, (await storage.channels.general()).id].sort());
    assert.deepEqual(await storage.channels.setTopic(design, 'ink'), { ...design, topic: 'ink' });
    assert.equal(await storage.channels.rename(design, 'general'), 'exists');
    const renamed = await storage.channels.rename(design, 'ux');
    assert.deepEqual(renamed, { ...design, topic: 'ink', name: 'ux' });
    assert.equal((await storage.store.history({ viewer: bo, conversation: { kind: 'channel', channel: design }, limit: 5 })).messages[0]!.channel, 'ux', 'history moves with a rename');
    assert.equal(await storage.channels.channelByName('design'), undefined);
    assert.equal(await storage.channels.removeMember(design, bo), true);
    assert.equal(await storage.channels.removeMember(design, bo), false);
    assert.deepEqual(await storage.channels.archive(design), { ...design, topic: 'ink', name: 'ux', archived: true });
    assert.deepEqual(await storage.channels.subscriptions(ana), [(await storage.channels.general()).id]);
    assert.deepEqual(await storage.channels.info(await storage.channels.general()), { name: 'general', topic: '', private: false, members: 2 });
  });

  it('registers accounts with a first device (into #general), refuses a taken name or a spent invite, and verifies device tokens by their hash', async () => {
    const { identity } = storage;
    const serverId = await identity.serverId();
    assert.match(serverId, /^[\w-]{16,}$/);
    assert.equal(await identity.serverId(), serverId, 'stable');
    const ana = await identity.register('Ana', undefined, 'laptop');
    assert.ok(typeof ana === 'object');
    assert.deepEqual(ana.account, { id: ana.account.id, name: 'Ana', admin: false, hasPassword: false, disabled: false });
    assert.equal(await identity.register('ANA', 'h', 'x'), 'taken', 'names are unique in any case');
    assert.equal(await storage.channels.isMember(await storage.channels.general(), ana.account), true);
    const verified = await identity.verifyDevice('ana', ana.token);
    assert.equal(verified?.device.id, ana.device.id);
    assert.equal(verified?.account.name, 'Ana');
    assert.equal(await identity.verifyDevice('ana', 'not-the-token'), undefined);
    assert.equal(await identity.verifyDevice('bo', ana.token), undefined, 'a token is only its own account’s');

    const { invite, code } = await identity.createInvite(1, Date.now() + 60_000);
    assert.equal(invite.usesLeft, 1);
    assert.equal(await identity.isInviteLive(code), true);
    assert.equal(await identity.register('ana', 'h', 'x', code), 'taken', 'a taken name spends no use');
    assert.equal(await identity.isInviteLive(code), true);
    const bo = await identity.register('bo', 'scrypt$hash', 'phone', code);
    assert.ok(typeof bo === 'object');
    assert.equal(bo.account.hasPassword, true);
    assert.equal(await identity.register('cy', 'h', 'x', code), 'invite_invalid', 'its one use is spent');
    assert.deepEqual(await identity.invites(), []);
    const expired = await identity.createInvite(5, Date.now() - 1);
    assert.equal(await identity.isInviteLive(expired.code), false);
    const later = await identity.createInvite(2, Date.now() + 60_000);
    assert.deepEqual((await identity.invites()).map((i) => i.id), [later.invite.id]);
    assert.equal(await identity.revokeInvite(later.invite.id), true);
    assert.equal(await identity.revokeInvite(later.invite.id), false);
  });

  it('keeps accounts: admin-made ones, passwords as given hashes, devices, revoking, disabling and removing', async () => {
    const { identity } = storage;
    const admin = await identity.createAccount('Root', 'scrypt$a', true);
    assert.ok(typeof admin === 'object');
    assert.deepEqual(admin, { id: admin.id, name: 'Root', admin: true, hasPassword: true, disabled: false });
    assert.equal(await identity.createAccount('root', 'x', false), 'taken');
    assert.deepEqual(await identity.credentials('ROOT'), { account: admin, passwordHash: 'scrypt$a' });
    await identity.setPasswordHash(admin, 'scrypt$b');
    assert.equal((await identity.credentials('root'))?.passwordHash, 'scrypt$b');
    assert.equal(await identity.credentials('nobody'), undefined);
    const first = await identity.addDevice(admin, 'laptop');
    const second = await identity.addDevice(admin, 'desktop');
    assert.notEqual(first.token, second.token);
    assert.deepEqual((await identity.devices(admin)).map((d) => d.label), ['laptop', 'desktop']);
    const bo = await identity.register('bo', undefined, 'phone');
    assert.ok(typeof bo === 'object');
    assert.deepEqual((await identity.accounts()).map((a) => [a.name, a.devices, a.admin]), [['bo', 1, false], ['Root', 2, true]]);
    assert.deepEqual(await identity.revokeDevices(admin, [first.device.id, bo.device.id]), [first.device.id], 'only its own devices');
    assert.equal(await identity.verifyDevice('root', first.token), undefined);
    assert.deepEqual(await identity.revokeDevices(admin, 'all'), [second.device.id]);
    assert.deepEqual((await identity.setDisabled('BO', true))?.disabled, true);
    assert.equal((await identity.accountByName('bo'))?.disabled, true);
    assert.equal((await identity.verifyDevice('bo', bo.token))?.account.disabled, true, 'a disabled account keeps its devices');
    assert.equal((await identity.setDisabled('bo', false))?.disabled, false);
    assert.equal(await identity.setDisabled('nobody', true), undefined);

    await say(bo.account, 'p1', direct(admin));
    await say(bo.account, 'g1', general);
    assert.equal((await releaseAccount(identity, storage.store, 'bo'))?.name, 'bo');
    assert.equal(await identity.accountByName('bo'), undefined);
    assert.equal(await identity.verifyDevice('bo', bo.token), undefined, 'its devices went with it');
    assert.deepEqual((await storage.store.history({ viewer: admin, conversation: direct(bo.account), limit: 10 })).messages, [], 'its private conversations went too');
    assert.deepEqual((await storage.store.history({ viewer: admin, conversation: general, limit: 10 })).messages.map((m) => m.id), ['g1'], 'what it said in channels stays');
    assert.equal(await identity.removeAccount('bo'), undefined);
    assert.deepEqual((await storage.channels.members(await storage.channels.general())).map((u) => u.name), ['Root']);
  });

  it('finds a user by name for addressing, any case, until the name is released; taken again, it is the new account', async () => {
    const { identity } = storage;
    const first = await account('Ana');
    assert.deepEqual(await identity.userByName('ANA'), { id: first.id, name: 'Ana' });
    assert.deepEqual(await identity.userByName('ana'), { id: first.id, name: 'Ana' }, 'asked again, the same');
    assert.equal(await identity.userByName('nobody'), undefined);
    await releaseAccount(identity, storage.store, 'ana');
    assert.equal(await identity.userByName('Ana'), undefined, 'released: nobody of that name');
    const second = await account('ANA');
    assert.notEqual(second.id, first.id);
    assert.deepEqual(await identity.userByName('ana'), { id: second.id, name: 'ANA' });
  });
}

describe('stores: conformance on SQLite', () => {
  conformance(async () => openSqliteBackend());
});

describe('stores: conformance on PostgreSQL', () => {
  const postgres = usePostgres('the PostgreSQL store conformance tests');
  conformance(async () => openPostgresBackend({ url: await postgres().createDatabase() }));
});
