/** The embedded channel and read-state store, in the SQLite database of the message store. */
import type Database from 'better-sqlite3';
import type { ChannelInfo, ChannelState, DirectState } from '../../protocol';
import type { ChannelRecord, ChannelStore, ReadPosition, ReadStateSnapshot } from './channel-store';
import type { ChannelRef, StoredConversation, UserRecord } from './message-store';
import { channelColumn, conversationColumn, READ_UP_TO } from './sqlite-conversation';

interface ChannelRow {
  id: number;
  name: string;
  topic: string;
  private: number;
  created_by: number | null;
  archived: number;
}

interface InfoRow extends ChannelRow {
  members: number;
  creator: string | null;
}

const CHANNEL_COLUMNS = 'c.id, c.name, c.topic, c.private, c.created_by, c.archived';
/** A channel with what everyone may see of it. */
const INFO_COLUMNS = `${CHANNEL_COLUMNS},
  (SELECT COUNT(*) FROM channel_members m WHERE m.channel_id = c.id) AS members,
  (SELECT u.name FROM users u WHERE u.id = c.created_by) AS creator`;

/** Unread (messages past the read position) and mentions of one user in one conversation column. */
/** Messages after the read position, up to `@upTo`. */
const COUNTS = `
  (SELECT COUNT(*) FROM messages x WHERE x.conversation = @conversation AND x.seq > @lastRead AND x.seq <= @upTo) AS unread,
  (SELECT COUNT(*) FROM mentions n WHERE n.user_id = @user AND n.conversation = @conversation AND n.seq > @lastRead AND n.seq <= @upTo) AS mentions`;
/** Every message there is: `@upTo` for counts as they are now. */
const NOW = Number.MAX_SAFE_INTEGER;

function toRecord(row: ChannelRow): ChannelRecord {
  return {
    id: row.id,
    name: row.name,
    topic: row.topic,
    private: row.private === 1,
    ...(row.created_by !== null ? { createdById: row.created_by } : {}),
    archived: row.archived === 1,
  };
}

function toInfo(row: InfoRow): ChannelInfo {
  return {
    name: row.name,
    topic: row.topic,
    private: row.private === 1,
    members: row.members,
    ...(row.creator !== null ? { createdBy: row.creator } : {}),
    ...(row.archived === 1 ? { archived: true } : {}),
  };
}

export class SqliteChannelStore implements ChannelStore {
  private readonly statements;

  constructor(private readonly db: Database.Database) {
    this.statements = {
      byName: db.prepare<[string], ChannelRow>(`SELECT ${CHANNEL_COLUMNS} FROM channels c WHERE c.name = ?`),
      byId: db.prepare<[number], ChannelRow>(`SELECT ${CHANNEL_COLUMNS} FROM channels c WHERE c.id = ?`),
      info: db.prepare<[number], InfoRow>(`SELECT ${INFO_COLUMNS} FROM channels c WHERE c.id = ?`),
      insert: db.prepare<[string, string, number, number, number], ChannelRow>(
        `INSERT INTO channels (name, topic, private, created_by, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (name) DO NOTHING RETURNING id, name, topic, private, created_by, archived`,
      ),
      isMember: db.prepare<[number, number], { one: number }>('SELECT 1 AS one FROM channel_members WHERE channel_id = ? AND user_id = ?'),
      addMember: db.prepare<[number, number], unknown>('INSERT OR IGNORE INTO channel_members (channel_id, user_id) VALUES (?, ?)'),
      // A new member has read what was said before they came (they can still scroll back to it).
      readUpToLatest: db.prepare<{ user: number; conversation: string }, unknown>(
        `INSERT INTO read_positions (user_id, conversation, seq)
         VALUES (@user, @conversation, COALESCE((SELECT MAX(seq) FROM messages WHERE conversation = @conversation), 0))
         ON CONFLICT (user_id, conversation) DO UPDATE SET seq = MAX(seq, excluded.seq)`,
      ),
      removeMember: db.prepare<[number, number], unknown>('DELETE FROM channel_members WHERE channel_id = ? AND user_id = ?'),
      members: db.prepare<[number], UserRecord>(
        'SELECT u.id, u.name FROM channel_members m JOIN users u ON u.id = m.user_id WHERE m.channel_id = ? ORDER BY u.key',
      ),
      setTopic: db.prepare<[string, number], unknown>('UPDATE channels SET topic = ? WHERE id = ?'),
      rename: db.prepare<[string, number], { id: number }>(
        'UPDATE OR IGNORE channels SET name = ? WHERE id = ? RETURNING id',
      ),
      archive: db.prepare<[number], unknown>('UPDATE channels SET archived = 1 WHERE id = ?'),
      browse: db.prepare<{ viewer: number }, InfoRow & { joined: number }>(
        `SELECT ${INFO_COLUMNS},
           EXISTS (SELECT 1 FROM channel_members j WHERE j.channel_id = c.id AND j.user_id = @viewer) AS joined
         FROM channels c
         WHERE c.archived = 0 AND (c.private = 0 OR EXISTS (SELECT 1 FROM channel_members j WHERE j.channel_id = c.id AND j.user_id = @viewer))
         ORDER BY c.name`,
      ),
      subscriptions: db.prepare<[number], { id: number }>(
        'SELECT c.id FROM channel_members m JOIN channels c ON c.id = m.channel_id WHERE m.user_id = ? AND c.archived = 0',
      ),
      joinedChannels: db.prepare<[number], InfoRow & { last_read: number; conversation: string }>(
        `SELECT ${INFO_COLUMNS}, 'c:' || c.id AS conversation,
           COALESCE((SELECT r.seq FROM read_positions r WHERE r.user_id = m.user_id AND r.conversation = 'c:' || c.id), 0) AS last_read
         FROM channel_members m JOIN channels c ON c.id = m.channel_id
         WHERE m.user_id = ? AND c.archived = 0 ORDER BY c.name`,
      ),
      directConversations: db.prepare<{ user: number; upTo: number }, { conversation: string; last_seq: number }>(
        `SELECT conversation, MAX(seq) AS last_seq FROM messages
         WHERE channel_id IS NULL AND (sender_id = @user OR recipient_id = @user) AND seq <= @upTo
         GROUP BY conversation ORDER BY last_seq DESC`,
      ),
      messageAt: db.prepare<[number], { sender_id: number; sender_name: string; recipient_name: string; ts: number }>(
        'SELECT sender_id, sender_name, recipient_name, ts FROM messages WHERE seq = ?',
      ),
      lastRead: db.prepare<[number, string], { seq: number }>('SELECT seq FROM read_positions WHERE user_id = ? AND conversation = ?'),
      latestIn: db.prepare<[string], { seq: number | null }>('SELECT MAX(seq) AS seq FROM messages WHERE conversation = ?'),
      readUpTo: db.prepare<[number, string, number], unknown>(READ_UP_TO),
      counts: db.prepare<{ user: number; conversation: string; lastRead: number; upTo: number }, { unread: number; mentions: number }>(`SELECT ${COUNTS}`),
    };
  }

  async general(): Promise<ChannelRecord> {
    const row = this.statements.byName.get('general');
    if (!row) throw new Error('the database has no #general');
    return toRecord(row);
  }

  async channelByName(name: string): Promise<ChannelRecord | undefined> {
    const row = this.statements.byName.get(name);
    return row ? toRecord(row) : undefined;
  }

  async info(channel: ChannelRecord): Promise<ChannelInfo> {
    const row = this.statements.info.get(channel.id);
    if (!row) throw new Error(`channel ${channel.id} is gone`);
    return toInfo(row);
  }

  async create(name: string, creator: UserRecord, options: { private: boolean; topic: string }): Promise<ChannelRecord | 'exists'> {
    const create = this.db.transaction((): ChannelRecord | 'exists' => {
      const row = this.statements.insert.get(name, options.topic, options.private ? 1 : 0, creator.id, Date.now());
      if (!row) return 'exists';
      this.statements.addMember.run(row.id, creator.id);
      return toRecord(row);
    });
    return create.immediate();
  }

  async isMember(channel: ChannelRef, user: UserRecord): Promise<boolean> {
    return this.statements.isMember.get(channel.id, user.id) !== undefined;
  }

  async addMember(channel: ChannelRef, user: UserRecord): Promise<boolean> {
    const add = this.db.transaction((): boolean => {
      if (this.statements.addMember.run(channel.id, user.id).changes === 0) return false;
      this.statements.readUpToLatest.run({ user: user.id, conversation: channelColumn(channel.id) });
      return true;
    });
    return add.immediate();
  }

  async removeMember(channel: ChannelRef, user: UserRecord): Promise<boolean> {
    return this.statements.removeMember.run(channel.id, user.id).changes > 0;
  }

  async members(channel: ChannelRef): Promise<UserRecord[]> {
    return this.statements.members.all(channel.id);
  }

  async setTopic(channel: ChannelRef, topic: string): Promise<ChannelRecord> {
    this.statements.setTopic.run(topic, channel.id);
    return this.reread(channel);
  }

  async rename(channel: ChannelRef, name: string): Promise<ChannelRecord | 'exists'> {
    if (!this.statements.rename.get(name, channel.id)) return 'exists';
    return this.reread(channel);
  }

  async archive(channel: ChannelRef): Promise<ChannelRecord> {
    this.statements.archive.run(channel.id);
    return this.reread(channel);
  }

  async browse(viewer: UserRecord): Promise<Array<ChannelInfo & { joined: boolean }>> {
    return this.statements.browse.all({ viewer: viewer.id }).map((row) => ({ ...toInfo(row), joined: row.joined === 1 }));
  }

  async subscriptions(user: UserRecord): Promise<number[]> {
    return this.statements.subscriptions.all(user.id).map((row) => row.id);
  }

  async readState(user: UserRecord, upToSeq: number): Promise<ReadStateSnapshot> {
    const read = this.db.transaction((): ReadStateSnapshot => {
      const channels = this.statements.joinedChannels.all(user.id).map((row): ChannelState => ({
        ...toInfo(row),
        ...this.statements.counts.get({ user: user.id, conversation: row.conversation, lastRead: row.last_read, upTo: upToSeq })!,
        lastRead: row.last_read,
      }));
      const direct = this.statements.directConversations.all({ user: user.id, upTo: upToSeq }).map((row): DirectState => {
        const last = this.statements.messageAt.get(row.last_seq)!;
        const lastRead = this.statements.lastRead.get(user.id, row.conversation)?.seq ?? 0;
        return {
          with: last.sender_id === user.id ? last.recipient_name : last.sender_name,
          ...this.statements.counts.get({ user: user.id, conversation: row.conversation, lastRead, upTo: upToSeq })!,
          lastRead,
          lastSeq: row.last_seq,
          lastActivity: last.ts,
        };
      });
      return { channels, direct };
    });
    return read();
  }

  async markRead(user: UserRecord, conversation: StoredConversation, seq: number): Promise<ReadPosition> {
    const column = conversationColumn(user, conversation);
    const mark = this.db.transaction((): ReadPosition => {
      const latest = this.statements.latestIn.get(column)?.seq ?? 0;
      this.statements.readUpTo.run(user.id, column, Math.min(seq, latest));
      const lastRead = this.statements.lastRead.get(user.id, column)!.seq;
      return { seq: lastRead, ...this.statements.counts.get({ user: user.id, conversation: column, lastRead, upTo: NOW })! };
    });
    return mark.immediate();
  }

  private reread(channel: ChannelRef): ChannelRecord {
    const row = this.statements.byId.get(channel.id);
    if (!row) throw new Error(`channel ${channel.id} is gone`);
    return toRecord(row);
  }
}
