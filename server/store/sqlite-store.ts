/**
 * The embedded default store: SQLite through better-sqlite3, in WAL mode.
 *
 * Appends are queued and committed in one transaction per event-loop turn, and each append
 * resolves only after that commit, so nothing is delivered or acked before it is on disk
 * (in the WAL: it survives the process being killed; with `synchronous: 'full'` it also
 * survives power loss, at the cost of an fsync per turn).
 */
import type Database from 'better-sqlite3';
import type { ChatMessage } from '../../protocol';
import type {
  AppendResult,
  HistoryQuery,
  HistoryResult,
  MessageStore,
  NewMessage,
  UserRecord,
  WelcomeSnapshot,
} from './message-store';

const GROUP = 'group';

interface MessageRow {
  seq: number;
  client_id: string;
  sender_name: string;
  recipient_name: string | null;
  text: string;
  ts: number;
}

interface PendingAppend {
  message: NewMessage;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

function toChatMessage(row: MessageRow): ChatMessage {
  const message: ChatMessage = { type: 'message', seq: row.seq, id: row.client_id, from: row.sender_name, text: row.text, ts: row.ts };
  if (row.recipient_name !== null) message.to = row.recipient_name;
  return message;
}

function privateConversation(a: number, b: number): string {
  return a < b ? `p:${a}:${b}` : `p:${b}:${a}`;
}

const MESSAGE_COLUMNS = 'seq, client_id, sender_name, recipient_name, text, ts';
const VISIBLE_TO_VIEWER = `(conversation = '${GROUP}' OR sender_id = @viewer OR recipient_id = @viewer)`;

export class SqliteStore implements MessageStore {
  private pending: PendingAppend[] = [];
  private flushScheduled = false;
  private closed = false;

  private readonly statements;

  /** `db`: opened and migrated by openSqliteDatabase; whoever opened it closes it after close(). */
  constructor(private readonly db: Database.Database) {
    this.statements = {
      insertMessage: db.prepare<
        {
          conversation: string;
          sender: number;
          senderName: string;
          recipient: number | null;
          recipientName: string | null;
          clientId: string;
          text: string;
          ts: number;
        },
        { seq: number }
      >(
        `INSERT INTO messages (conversation, sender_id, sender_name, recipient_id, recipient_name, client_id, text, ts)
         VALUES (@conversation, @sender, @senderName, @recipient, @recipientName, @clientId, @text, @ts)
         ON CONFLICT (sender_id, client_id) DO NOTHING RETURNING seq`,
      ),
      messageByClientId: db.prepare<[number, string], MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE sender_id = ? AND client_id = ?`,
      ),
      latestVisible: db.prepare<{ viewer: number; limit: number }, MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE ${VISIBLE_TO_VIEWER} ORDER BY seq DESC LIMIT @limit`,
      ),
      visibleAfter: db.prepare<{ viewer: number; after: number; limit: number }, MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE seq > @after AND ${VISIBLE_TO_VIEWER} ORDER BY seq DESC LIMIT @limit`,
      ),
      conversationBefore: db.prepare<{ conversation: string; before: number; limit: number }, MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversation = @conversation AND seq < @before
         ORDER BY seq DESC LIMIT @limit`,
      ),
      latestSeq: db.prepare<[], { seq: number }>(`SELECT seq FROM sqlite_sequence WHERE name = 'messages'`),
      deletePrivateMessages: db.prepare<{ user: number }, unknown>(
        `DELETE FROM messages WHERE conversation != '${GROUP}' AND (sender_id = @user OR recipient_id = @user)`,
      ),
    };
  }

  append(message: NewMessage): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new Error('the store is closed'));
    return new Promise((resolve, reject) => {
      this.pending.push({ message, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits every queued append in one transaction, then settles them in order. */
  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    let results: AppendResult[];
    try {
      results = this.db.transaction(() => batch.map((item) => this.insert(item.message)))();
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    batch.forEach((item, index) => item.resolve(results[index]!));
  }

  private insert({ sender, clientId, text, recipient }: NewMessage): AppendResult {
    const ts = Date.now();
    const inserted = this.statements.insertMessage.get({
      conversation: recipient ? privateConversation(sender.id, recipient.id) : GROUP,
      sender: sender.id,
      senderName: sender.name,
      recipient: recipient?.id ?? null,
      recipientName: recipient?.name ?? null,
      clientId,
      text,
      ts,
    });
    if (inserted) {
      const message: ChatMessage = { type: 'message', seq: inserted.seq, id: clientId, from: sender.name, text, ts };
      if (recipient) message.to = recipient.name;
      return { message, duplicate: false };
    }
    const original = this.statements.messageByClientId.get(sender.id, clientId);
    if (!original) throw new Error('a conflicting message id has no stored message');
    return { message: toChatMessage(original), duplicate: true };
  }

  async welcomeSnapshot(viewer: UserRecord, afterSeq: number | undefined, limit: number): Promise<WelcomeSnapshot> {
    const read = this.db.transaction((): WelcomeSnapshot => {
      const latestSeq = this.statements.latestSeq.get()?.seq ?? 0;
      if (afterSeq === undefined) {
        const rows = this.statements.latestVisible.all({ viewer: viewer.id, limit });
        return { messages: rows.reverse().map(toChatMessage), latestSeq, gap: false };
      }
      const rows = this.statements.visibleAfter.all({ viewer: viewer.id, after: afterSeq, limit: limit + 1 });
      const gap = rows.length > limit;
      return { messages: rows.slice(0, limit).reverse().map(toChatMessage), latestSeq, gap };
    });
    return read();
  }

  async history({ viewer, with: other, before, limit }: HistoryQuery): Promise<HistoryResult> {
    const rows = this.statements.conversationBefore.all({
      conversation: other ? privateConversation(viewer.id, other.id) : GROUP,
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
    this.flush();
    this.closed = true;
  }
}
