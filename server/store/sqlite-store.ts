/**
 * The embedded default store: SQLite through better-sqlite3, in WAL mode.
 *
 * Appends are group-committed (group-commit.ts): those that arrive within one commit window
 * share one transaction, and each append resolves only after that commit, so nothing is
 * delivered or acked before it is on disk (in the WAL: it survives the process being killed;
 * with `synchronous: 'full'` it also survives power loss, at the cost of an fsync per commit).
 */
import type Database from 'better-sqlite3';
import type { Attachment, ChatMessage } from '../../protocol';
import type {
  AppendResult,
  HistoryQuery,
  HistoryResult,
  MessageStore,
  NewMessage,
  UserRecord,
  WelcomeScope,
  WelcomeSnapshot,
} from './message-store';
import { GroupCommit, type GroupCommitOptions } from './group-commit';
import { conversationColumn, READ_UP_TO } from './sqlite-conversation';

export interface MessageRow {
  seq: number;
  client_id: string;
  sender_name: string;
  recipient_name: string | null;
  channel_name: string | null;
  text: string;
  ts: number;
  mentions: string | null;
  attachments: string | null;
}

/** What a message carries besides its address and text, each absent when it has none. */
interface MessageExtras {
  mentions: string[] | undefined;
  attachments: Attachment[] | undefined;
}

/** Built in one place, so a message is the same object (the same JSON) however it was read. */
function chatMessage(seq: number, id: string, from: string, text: string, ts: number, to: string | null, channel: string | null, extras: MessageExtras): ChatMessage {
  const message: ChatMessage = { type: 'message', seq, id, from, text, ts };
  if (to !== null) message.to = to;
  if (channel !== null) message.channel = channel;
  if (extras.mentions !== undefined) message.mentions = extras.mentions;
  if (extras.attachments !== undefined) message.attachments = extras.attachments;
  return message;
}

export function toChatMessage(row: MessageRow): ChatMessage {
  const extras: MessageExtras = {
    mentions: row.mentions === null ? undefined : (JSON.parse(row.mentions) as string[]),
    // Stored only after the schema checked them on the way in.
    attachments: row.attachments === null ? undefined : (JSON.parse(row.attachments) as Attachment[]),
  };
  return chatMessage(row.seq, row.client_id, row.sender_name, row.text, row.ts, row.recipient_name, row.channel_name, extras);
}

/** A channel message carries the channel's name as it is now: a renamed channel's history moves with it. */
export const MESSAGE_COLUMNS = `seq, client_id, sender_name, recipient_name, text, ts, mentions, attachments,
  (SELECT name FROM channels WHERE id = messages.channel_id) AS channel_name`;
/** What a user sees: the channels in `@channels` (a JSON array of ids), and their direct conversations. */
const VISIBLE_TO_VIEWER = `(channel_id IN (SELECT value FROM json_each(@channels))
  OR (channel_id IS NULL AND (sender_id = @viewer OR recipient_id = @viewer)))`;

/** See GroupCommitOptions; chosen from the private and fan-out benchmarks (docs/benchmarks.md). */
export const DEFAULT_GROUP_COMMIT: GroupCommitOptions = { windowMs: 2, maxBatch: 256 };

export class SqliteStore implements MessageStore {
  private readonly commits: GroupCommit<NewMessage, AppendResult>;
  private closed = false;

  private readonly statements;

  /** `db`: opened and migrated by openSqliteDatabase; whoever opened it closes it after close(). */
  constructor(
    private readonly db: Database.Database,
    commitOptions: GroupCommitOptions = DEFAULT_GROUP_COMMIT,
  ) {
    // Built once: better-sqlite3 makes a transaction function with defineProperties, too dear per commit.
    const commitBatch = db.transaction((batch: readonly NewMessage[]) => batch.map((message) => this.insert(message)));
    this.commits = new GroupCommit((batch) => commitBatch(batch), commitOptions);
    this.statements = {
      insertMessage: db.prepare<
        {
          conversation: string;
          channel: number | null;
          sender: number;
          senderName: string;
          recipient: number | null;
          recipientName: string | null;
          clientId: string;
          text: string;
          ts: number;
          mentions: string | null;
          attachments: string | null;
        },
        { seq: number }
      >(
        `INSERT INTO messages (conversation, channel_id, sender_id, sender_name, recipient_id, recipient_name, client_id, text, ts, mentions, attachments)
         VALUES (@conversation, @channel, @sender, @senderName, @recipient, @recipientName, @clientId, @text, @ts, @mentions, @attachments)
         ON CONFLICT (sender_id, client_id) DO NOTHING RETURNING seq`,
      ),
      insertMention: db.prepare<[number, string, number], unknown>('INSERT OR IGNORE INTO mentions (user_id, conversation, seq) VALUES (?, ?, ?)'),
      readUpTo: db.prepare<[number, string, number], unknown>(READ_UP_TO),
      subscribedChannels: db.prepare<[number], { channel_id: number }>(
        `SELECT m.channel_id FROM channel_members m JOIN channels c ON c.id = m.channel_id WHERE m.user_id = ? AND c.archived = 0`,
      ),
      generalId: db.prepare<[], { id: number }>(`SELECT id FROM channels WHERE name = 'general'`),
      messageByClientId: db.prepare<[number, string], MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE sender_id = ? AND client_id = ?`,
      ),
      latestVisible: db.prepare<{ viewer: number; channels: string; limit: number }, MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE ${VISIBLE_TO_VIEWER} ORDER BY seq DESC LIMIT @limit`,
      ),
      visibleAfter: db.prepare<{ viewer: number; channels: string; after: number; limit: number }, MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE seq > @after AND ${VISIBLE_TO_VIEWER} ORDER BY seq DESC LIMIT @limit`,
      ),
      conversationBefore: db.prepare<{ conversation: string; before: number; limit: number }, MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversation = @conversation AND seq < @before
         ORDER BY seq DESC LIMIT @limit`,
      ),
      latestSeq: db.prepare<[], { seq: number }>(`SELECT seq FROM sqlite_sequence WHERE name = 'messages'`),
      deletePrivateMessages: db.prepare<{ user: number }, unknown>(
        `DELETE FROM messages WHERE channel_id IS NULL AND (sender_id = @user OR recipient_id = @user)`,
      ),
    };
  }

  append(message: NewMessage): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new Error('the store is closed'));
    return this.commits.add(message);
  }

  private insert({ sender, clientId, text, conversation, mentions, mentioned, attachments }: NewMessage): AppendResult {
    const ts = Date.now();
    const recipient = conversation.kind === 'direct' ? conversation.with : undefined;
    const channel = conversation.kind === 'channel' ? conversation.channel : undefined;
    const column = conversationColumn(sender, conversation);
    const inserted = this.statements.insertMessage.get({
      conversation: column,
      channel: channel?.id ?? null,
      sender: sender.id,
      senderName: sender.name,
      recipient: recipient?.id ?? null,
      recipientName: recipient?.name ?? null,
      clientId,
      text,
      ts,
      mentions: mentions === undefined ? null : JSON.stringify(mentions),
      attachments: attachments === undefined ? null : JSON.stringify(attachments),
    });
    if (inserted) {
      for (const userId of mentioned ?? []) this.statements.insertMention.run(userId, column, inserted.seq);
      // What one sends, from any device, is read by them, and so is all before it.
      this.statements.readUpTo.run(sender.id, column, inserted.seq);
      const message = chatMessage(inserted.seq, clientId, sender.name, text, ts, recipient?.name ?? null, channel?.name ?? null, { mentions, attachments });
      return { message, duplicate: false };
    }
    const original = this.statements.messageByClientId.get(sender.id, clientId);
    if (!original) throw new Error('a conflicting message id has no stored message');
    return { message: toChatMessage(original), duplicate: true };
  }

  async welcomeSnapshot(viewer: UserRecord, scope: WelcomeScope, afterSeq: number | undefined, limit: number): Promise<WelcomeSnapshot> {
    const read = this.db.transaction((): WelcomeSnapshot => {
      const latestSeq = this.statements.latestSeq.get()?.seq ?? 0;
      const channelIds =
        scope === 'all' ? this.statements.subscribedChannels.all(viewer.id).map((row) => row.channel_id) : [this.statements.generalId.get()!.id];
      const visible = { viewer: viewer.id, channels: JSON.stringify(channelIds) };
      if (afterSeq === undefined) {
        const rows = this.statements.latestVisible.all({ ...visible, limit });
        return { messages: rows.reverse().map(toChatMessage), latestSeq, gap: false };
      }
      const rows = this.statements.visibleAfter.all({ ...visible, after: afterSeq, limit: limit + 1 });
      const gap = rows.length > limit;
      return { messages: rows.slice(0, limit).reverse().map(toChatMessage), latestSeq, gap };
    });
    return read();
  }

  async history({ viewer, conversation, before, limit }: HistoryQuery): Promise<HistoryResult> {
    const rows = this.statements.conversationBefore.all({
      conversation: conversationColumn(viewer, conversation),
      before: before ?? Number.MAX_SAFE_INTEGER,
      limit: limit + 1,
    });
    const more = rows.length > limit;
    return { messages: rows.slice(0, limit).reverse().map(toChatMessage), more };
  }

  async deletePrivateConversations(user: UserRecord): Promise<void> {
    this.statements.deletePrivateMessages.run({ user: user.id });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.commits.flush();
  }
}
