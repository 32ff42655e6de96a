/**
 * The message store on PostgreSQL, for several nodes sharing one database.
 *
 * Appends are queued and committed in groups: whatever arrived while the previous group was being
 * committed goes in the next transaction, so a busy node pays one commit for many messages and an
 * idle one waits for nobody. Each append resolves only after its group committed.
 *
 * Every group takes the server-wide counter (relay_counter) first and holds its row lock until
 * it commits: seqs are handed out in commit order, without gaps, across all nodes. A reader that
 * has seen seq N+1 can therefore always see N, and a node that missed a message sees the hole.
 */
import type pg from 'pg';
import type { Attachment, ChatMessage } from '../../../protocol';
import type {
  AppendResult,
  HistoryQuery,
  HistoryResult,
  MessageStore,
  NewMessage,
  UserRecord,
  WelcomeScope,
  WelcomeSnapshot,
} from '../message-store';
import { conversationColumn } from '../sqlite-conversation';
import { query, transaction } from './postgres-pool';

interface MessageRow {
  seq: number;
  client_id: string;
  sender_name: string;
  recipient_name: string | null;
  channel_name: string | null;
  text: string;
  ts: number;
  mentions: string[] | null;
  attachments: Attachment[] | null;
}

interface PendingAppend {
  message: NewMessage;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

export interface PostgresMessageStoreOptions {
  /** Test-only: awaited inside each group's transaction just before COMMIT, with the counter held. */
  beforeCommit?: () => Promise<void>;
}

/** A channel message carries the channel's name as it is now: a renamed channel's history moves with it. */
const MESSAGE_COLUMNS = `m.seq, m.client_id, m.sender_name, m.recipient_name, m.text, m.ts, m.mentions, m.attachments,
  (SELECT c.name FROM channels c WHERE c.id = m.channel_id) AS channel_name`;
/** What viewer $1 sees: the channels in $2 (an array of ids), and their direct conversations. */
const VISIBLE_TO_VIEWER = `(m.channel_id = ANY ($2::bigint[]) OR (m.channel_id IS NULL AND (m.sender_id = $1 OR m.recipient_id = $1)))`;
/** Moves read position of ($1, $2) up to $3; it never goes back. */
export const READ_UP_TO = `INSERT INTO read_positions (user_id, conversation, seq) VALUES ($1, $2, $3)
  ON CONFLICT (user_id, conversation) DO UPDATE SET seq = GREATEST(read_positions.seq, excluded.seq)`;

/** The same fields in the same order as the SQLite store builds them, so both send the same JSON. */
function toChatMessage(row: MessageRow): ChatMessage {
  const message: ChatMessage = { type: 'message', seq: row.seq, id: row.client_id, from: row.sender_name, text: row.text, ts: row.ts };
  if (row.recipient_name !== null) message.to = row.recipient_name;
  if (row.channel_name !== null) message.channel = row.channel_name;
  if (row.mentions !== null) message.mentions = row.mentions;
  if (row.attachments !== null) message.attachments = row.attachments;
  return message;
}

export class PostgresMessageStore implements MessageStore {
  private pending: PendingAppend[] = [];
  /** The group being committed; the next starts only after it, so the order of calls is kept. */
  private flushing: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: PostgresMessageStoreOptions = {},
  ) {}

  append(message: NewMessage): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new Error('the store is closed'));
    return new Promise((resolve, reject) => {
      this.pending.push({ message, resolve, reject });
      this.flushing ??= this.flushAll();
    });
  }

  private async flushAll(): Promise<void> {
    // Let the appends of this event-loop turn join the first group too.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.pending.length > 0) {
      const group = this.pending;
      this.pending = [];
      try {
        const results = await transaction(this.pool, (client) => this.insertGroup(client, group.map((item) => item.message)));
        group.forEach((item, index) => item.resolve(results[index]!));
      } catch (error) {
        for (const item of group) item.reject(error);
      }
    }
    this.flushing = undefined;
  }

  private async insertGroup(client: pg.PoolClient, messages: NewMessage[]): Promise<AppendResult[]> {
    // Taken first and held until COMMIT: every other node's group waits here, so seqs commit in order.
    const counter = await client.query<{ seq: number }>('SELECT seq FROM relay_counter FOR UPDATE');
    let seq = counter.rows[0]!.seq;
    const results: AppendResult[] = [];
    /** Ids stored by this group, for a message sent twice within one group. */
    const stored = new Map<string, ChatMessage>();
    for (const message of messages) {
      const key = `${message.sender.id}:${message.clientId}`;
      const earlier = stored.get(key) ?? (await this.byClientId(client, message.sender, message.clientId));
      if (earlier) {
        results.push({ message: earlier, duplicate: true });
        continue;
      }
      seq += 1;
      const inserted = await this.insert(client, message, seq);
      stored.set(key, inserted);
      results.push({ message: inserted, duplicate: false });
    }
    if (stored.size > 0) await client.query('UPDATE relay_counter SET seq = $1', [seq]);
    await this.options.beforeCommit?.();
    return results;
  }

  private async insert(client: pg.PoolClient, message: NewMessage, seq: number): Promise<ChatMessage> {
    const { sender, clientId, text, conversation, mentions, mentioned, attachments } = message;
    const ts = Date.now();
    const recipient = conversation.kind === 'direct' ? conversation.with : undefined;
    const channel = conversation.kind === 'channel' ? conversation.channel : undefined;
    const column = conversationColumn(sender, conversation);
    await client.query(
      `INSERT INTO messages (seq, conversation, channel_id, sender_id, sender_name, recipient_id, recipient_name, client_id, text, ts, mentions, attachments)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        seq,
        column,
        channel?.id ?? null,
        sender.id,
        sender.name,
        recipient?.id ?? null,
        recipient?.name ?? null,
        clientId,
        text,
        ts,
        mentions === undefined ? null : JSON.stringify(mentions),
        attachments === undefined ? null : JSON.stringify(attachments),
      ],
    );
    if (mentioned && mentioned.length > 0) {
      await client.query(
        `INSERT INTO mentions (user_id, conversation, seq) SELECT unnest($1::bigint[]), $2, $3 ON CONFLICT DO NOTHING`,
        [mentioned, column, seq],
      );
    }
    // What one sends, from any device, is read by them, and so is all before it.
    await client.query(READ_UP_TO, [sender.id, column, seq]);
    return toChatMessage({
      seq,
      client_id: clientId,
      sender_name: sender.name,
      recipient_name: recipient?.name ?? null,
      channel_name: channel?.name ?? null,
      text,
      ts,
      mentions: mentions ?? null,
      attachments: attachments ?? null,
    });
  }

  private async byClientId(client: pg.PoolClient, sender: UserRecord, clientId: string): Promise<ChatMessage | undefined> {
    const rows = await client.query<MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.sender_id = $1 AND m.client_id = $2`, [
      sender.id,
      clientId,
    ]);
    return rows.rows[0] && toChatMessage(rows.rows[0]);
  }

  async welcomeSnapshot(viewer: UserRecord, scope: WelcomeScope, afterSeq: number | undefined, limit: number): Promise<WelcomeSnapshot> {
    // One snapshot: latestSeq and the messages agree even while other nodes write.
    return transaction(
      this.pool,
      async (client) => {
        const latestSeq = (await client.query<{ seq: number }>('SELECT seq FROM relay_counter')).rows[0]!.seq;
        const channels =
          scope === 'all'
            ? await client.query<{ id: number }>(
                'SELECT c.id FROM channel_members j JOIN channels c ON c.id = j.channel_id WHERE j.user_id = $1 AND NOT c.archived',
                [viewer.id],
              )
            : await client.query<{ id: number }>(`SELECT id FROM channels WHERE name = 'general'`);
        const channelIds = channels.rows.map((row) => row.id);
        if (afterSeq === undefined) {
          const rows = await client.query<MessageRow>(
            `SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE ${VISIBLE_TO_VIEWER} ORDER BY m.seq DESC LIMIT $3`,
            [viewer.id, channelIds, limit],
          );
          return { messages: rows.rows.reverse().map(toChatMessage), latestSeq, gap: false };
        }
        const rows = await client.query<MessageRow>(
          `SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.seq > $3 AND ${VISIBLE_TO_VIEWER} ORDER BY m.seq DESC LIMIT $4`,
          [viewer.id, channelIds, afterSeq, limit + 1],
        );
        const gap = rows.rows.length > limit;
        return { messages: rows.rows.slice(0, limit).reverse().map(toChatMessage), latestSeq, gap };
      },
      { isolation: 'repeatable read', readOnly: true },
    );
  }

  async history({ viewer, conversation, before, limit }: HistoryQuery): Promise<HistoryResult> {
    const rows = await query<MessageRow>(
      this.pool,
      `SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.conversation = $1 AND m.seq < $2 ORDER BY m.seq DESC LIMIT $3`,
      [conversationColumn(viewer, conversation), before ?? Number.MAX_SAFE_INTEGER, limit + 1],
    );
    const more = rows.length > limit;
    return { messages: rows.slice(0, limit).reverse().map(toChatMessage), more };
  }

  async deletePrivateConversations(user: UserRecord): Promise<void> {
    await query(this.pool, 'DELETE FROM messages WHERE channel_id IS NULL AND (sender_id = $1 OR recipient_id = $1)', [user.id]);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.flushing;
  }
}
