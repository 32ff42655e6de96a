/** The channel and read-state store on PostgreSQL, in the database of the PostgreSQL message store. */
import type pg from 'pg';
import type { ChannelInfo, ChannelState, DirectState } from '../../../protocol';
import type { ChannelRecord, ChannelStore, ReadPosition, ReadStateSnapshot } from '../channel-store';
import type { ChannelRef, StoredConversation, UserRecord } from '../message-store';
import { channelColumn, conversationColumn } from '../sqlite-conversation';
import { READ_UP_TO } from './postgres-message-store';
import { query, transaction, type Queryable } from './postgres-pool';

interface ChannelRow {
  id: number;
  name: string;
  topic: string;
  private: boolean;
  created_by: number | null;
  archived: boolean;
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

/** A unique_violation: another channel has the name. */
const UNIQUE_VIOLATION = '23505';

function toRecord(row: ChannelRow): ChannelRecord {
  return {
    id: row.id,
    name: row.name,
    topic: row.topic,
    private: row.private,
    ...(row.created_by !== null ? { createdById: row.created_by } : {}),
    archived: row.archived,
  };
}

function toInfo(row: InfoRow): ChannelInfo {
  return {
    name: row.name,
    topic: row.topic,
    private: row.private,
    members: row.members,
    ...(row.creator !== null ? { createdBy: row.creator } : {}),
    ...(row.archived ? { archived: true } : {}),
  };
}

/** Every message there is: `upTo` for counts as they are now. */
const NOW = Number.MAX_SAFE_INTEGER;

/** Unread (messages past `lastRead`, up to `upTo`) and mentions of `user` in one conversation column. */
async function counts(client: Queryable, user: number, conversation: string, lastRead: number, upTo: number): Promise<{ unread: number; mentions: number }> {
  const rows = await client.query<{ unread: number; mentions: number }>(
    `SELECT (SELECT COUNT(*) FROM messages x WHERE x.conversation = $2 AND x.seq > $3 AND x.seq <= $4) AS unread,
            (SELECT COUNT(*) FROM mentions n WHERE n.user_id = $1 AND n.conversation = $2 AND n.seq > $3 AND n.seq <= $4) AS mentions`,
    [user, conversation, lastRead, upTo],
  );
  return rows.rows[0]!;
}

/**
 * Makes a new account a member of #general that has read what was said there before it existed
 * (it can still scroll back); SQLite does this in a trigger, here the identity store calls it in
 * the transaction that creates the account.
 */
export async function joinGeneral(client: Queryable, userId: number): Promise<void> {
  await client.query(
    `WITH general AS (SELECT id FROM channels WHERE name = 'general'),
     joined AS (INSERT INTO channel_members (channel_id, user_id) SELECT id, $1 FROM general ON CONFLICT DO NOTHING)
     INSERT INTO read_positions (user_id, conversation, seq)
       SELECT $1, 'c:' || g.id, COALESCE((SELECT MAX(m.seq) FROM messages m WHERE m.conversation = 'c:' || g.id), 0) FROM general g
     ON CONFLICT DO NOTHING`,
    [userId],
  );
}

export class PostgresChannelStore implements ChannelStore {
  constructor(private readonly pool: pg.Pool) {}

  async general(): Promise<ChannelRecord> {
    const channel = await this.channelByName('general');
    if (!channel) throw new Error('the database has no #general');
    return channel;
  }

  async channelByName(name: string): Promise<ChannelRecord | undefined> {
    const rows = await query<ChannelRow>(this.pool, `SELECT ${CHANNEL_COLUMNS} FROM channels c WHERE c.name = $1`, [name]);
    return rows[0] && toRecord(rows[0]);
  }

  async info(channel: ChannelRecord): Promise<ChannelInfo> {
    const rows = await query<InfoRow>(this.pool, `SELECT ${INFO_COLUMNS} FROM channels c WHERE c.id = $1`, [channel.id]);
    if (!rows[0]) throw new Error(`channel ${channel.id} is gone`);
    return toInfo(rows[0]);
  }

  async create(name: string, creator: UserRecord, options: { private: boolean; topic: string }): Promise<ChannelRecord | 'exists'> {
    return transaction(this.pool, async (client) => {
      const rows = await client.query<ChannelRow>(
        `INSERT INTO channels (name, topic, private, created_by, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (name) DO NOTHING RETURNING id, name, topic, private, created_by, archived`,
        [name, options.topic, options.private, creator.id, Date.now()],
      );
      const row = rows.rows[0];
      if (!row) return 'exists';
      await client.query('INSERT INTO channel_members (channel_id, user_id) VALUES ($1, $2)', [row.id, creator.id]);
      return toRecord(row);
    });
  }

  async isMember(channel: ChannelRef, user: UserRecord): Promise<boolean> {
    const rows = await query(this.pool, 'SELECT 1 FROM channel_members WHERE channel_id = $1 AND user_id = $2', [channel.id, user.id]);
    return rows.length > 0;
  }

  async addMember(channel: ChannelRef, user: UserRecord): Promise<boolean> {
    return transaction(this.pool, async (client) => {
      const added = await client.query('INSERT INTO channel_members (channel_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
        channel.id,
        user.id,
      ]);
      if (added.rowCount === 0) return false;
      // A new member has read what was said before they came (they can still scroll back to it).
      const column = channelColumn(channel.id);
      await client.query(
        `INSERT INTO read_positions (user_id, conversation, seq)
         VALUES ($1, $2, COALESCE((SELECT MAX(seq) FROM messages WHERE conversation = $2), 0))
         ON CONFLICT (user_id, conversation) DO UPDATE SET seq = GREATEST(read_positions.seq, excluded.seq)`,
        [user.id, column],
      );
      return true;
    });
  }

  async removeMember(channel: ChannelRef, user: UserRecord): Promise<boolean> {
    const removed = await query(this.pool, 'DELETE FROM channel_members WHERE channel_id = $1 AND user_id = $2 RETURNING 1', [channel.id, user.id]);
    return removed.length > 0;
  }

  async members(channel: ChannelRef): Promise<UserRecord[]> {
    return query<UserRecord>(
      this.pool,
      'SELECT u.id, u.name FROM channel_members m JOIN users u ON u.id = m.user_id WHERE m.channel_id = $1 ORDER BY u.key',
      [channel.id],
    );
  }

  async setTopic(channel: ChannelRef, topic: string): Promise<ChannelRecord> {
    return this.updated(await query<ChannelRow>(this.pool, `UPDATE channels c SET topic = $1 WHERE c.id = $2 RETURNING ${CHANNEL_COLUMNS}`, [topic, channel.id]), channel);
  }

  async rename(channel: ChannelRef, name: string): Promise<ChannelRecord | 'exists'> {
    try {
      return this.updated(await query<ChannelRow>(this.pool, `UPDATE channels c SET name = $1 WHERE c.id = $2 RETURNING ${CHANNEL_COLUMNS}`, [name, channel.id]), channel);
    } catch (error) {
      if ((error as { code?: unknown }).code === UNIQUE_VIOLATION) return 'exists';
      throw error;
    }
  }

  async archive(channel: ChannelRef): Promise<ChannelRecord> {
    return this.updated(await query<ChannelRow>(this.pool, `UPDATE channels c SET archived = true WHERE c.id = $1 RETURNING ${CHANNEL_COLUMNS}`, [channel.id]), channel);
  }

  async browse(viewer: UserRecord): Promise<Array<ChannelInfo & { joined: boolean }>> {
    const rows = await query<InfoRow & { joined: boolean }>(
      this.pool,
      `SELECT ${INFO_COLUMNS},
         EXISTS (SELECT 1 FROM channel_members j WHERE j.channel_id = c.id AND j.user_id = $1) AS joined
       FROM channels c
       WHERE NOT c.archived AND (NOT c.private OR EXISTS (SELECT 1 FROM channel_members j WHERE j.channel_id = c.id AND j.user_id = $1))
       ORDER BY c.name`,
      [viewer.id],
    );
    return rows.map((row) => ({ ...toInfo(row), joined: row.joined }));
  }

  async subscriptions(user: UserRecord): Promise<number[]> {
    const rows = await query<{ id: number }>(
      this.pool,
      'SELECT c.id FROM channel_members m JOIN channels c ON c.id = m.channel_id WHERE m.user_id = $1 AND NOT c.archived',
      [user.id],
    );
    return rows.map((row) => row.id);
  }

  async readState(user: UserRecord, upToSeq: number): Promise<ReadStateSnapshot> {
    return transaction(
      this.pool,
      async (client) => {
        const joined = await client.query<InfoRow & { last_read: number; conversation: string }>(
          `SELECT ${INFO_COLUMNS}, 'c:' || c.id AS conversation,
             COALESCE((SELECT r.seq FROM read_positions r WHERE r.user_id = m.user_id AND r.conversation = 'c:' || c.id), 0) AS last_read
           FROM channel_members m JOIN channels c ON c.id = m.channel_id
           WHERE m.user_id = $1 AND NOT c.archived ORDER BY c.name`,
          [user.id],
        );
        const channels: ChannelState[] = [];
        for (const row of joined.rows) {
          channels.push({ ...toInfo(row), ...(await counts(client, user.id, row.conversation, row.last_read, upToSeq)), lastRead: row.last_read });
        }
        const conversations = await client.query<{ conversation: string; last_seq: number; sender_id: number; sender_name: string; recipient_name: string; ts: number; last_read: number }>(
          `SELECT d.conversation, d.last_seq, m.sender_id, m.sender_name, m.recipient_name, m.ts,
             COALESCE((SELECT r.seq FROM read_positions r WHERE r.user_id = $1 AND r.conversation = d.conversation), 0) AS last_read
           FROM (SELECT conversation, MAX(seq) AS last_seq FROM messages
                 WHERE channel_id IS NULL AND (sender_id = $1 OR recipient_id = $1) AND seq <= $2 GROUP BY conversation) d
           JOIN messages m ON m.seq = d.last_seq
           ORDER BY d.last_seq DESC`,
          [user.id, upToSeq],
        );
        const direct: DirectState[] = [];
        for (const row of conversations.rows) {
          direct.push({
            with: row.sender_id === user.id ? row.recipient_name : row.sender_name,
            ...(await counts(client, user.id, row.conversation, row.last_read, upToSeq)),
            lastRead: row.last_read,
            lastSeq: row.last_seq,
            lastActivity: row.ts,
          });
        }
        return { channels, direct };
      },
      { isolation: 'repeatable read', readOnly: true },
    );
  }

  async markRead(user: UserRecord, conversation: StoredConversation, seq: number): Promise<ReadPosition> {
    const column = conversationColumn(user, conversation);
    return transaction(this.pool, async (client) => {
      const latest = (await client.query<{ seq: number | null }>('SELECT MAX(seq) AS seq FROM messages WHERE conversation = $1', [column])).rows[0]!.seq ?? 0;
      await client.query(READ_UP_TO, [user.id, column, Math.min(seq, latest)]);
      const lastRead = (await client.query<{ seq: number }>('SELECT seq FROM read_positions WHERE user_id = $1 AND conversation = $2', [user.id, column])).rows[0]!.seq;
      return { seq: lastRead, ...(await counts(client, user.id, column, lastRead, NOW)) };
    });
  }

  private updated(rows: ChannelRow[], channel: ChannelRef): ChannelRecord {
    if (!rows[0]) throw new Error(`channel ${channel.id} is gone`);
    return toRecord(rows[0]);
  }
}
