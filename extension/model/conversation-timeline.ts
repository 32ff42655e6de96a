/**
 * One conversation (#general, or a direct one with a person) as the extension knows it:
 * stored messages deduplicated by seq, own messages still waiting for their ack, join/leave
 * events, and how far back history has been loaded. Produces the timeline a panel shows.
 */
import { nameKey, type ChatMessage } from '../../protocol';
import { splitNote } from '../../client/code-refs/fallback';
import type { OutgoingMessage } from '../../client/relay-client';
import type { MessageEntry, TimelineEntry } from '../webview-protocol';
import { conversationKey, direct, sameName, type Conversation } from './address';
import { summarisePresence, type PresenceEvent, type PresenceSummary } from './presence-summary';

interface PresenceLine extends PresenceEvent {
  /** The highest seq seen when it happened; the line sorts right after that message. */
  afterSeq: number;
}

/** A stored message as the server sent it; `mentions` comes from protocol-2 servers. */
type StoredMessage = ChatMessage & { mentions?: string[] };

interface Pending {
  outgoing: OutgoingMessage;
  createdAt: number;
}

export class ConversationTimeline {
  readonly key: string;
  private current: Conversation;
  private readonly messages = new Map<number, StoredMessage>();
  private readonly pending = new Map<string, Pending>();
  private presenceLines: PresenceLine[] = [];
  private presenceCounter = 0;
  /** Whether older messages exist on the server; undefined until history was asked for. */
  private more: boolean | undefined;

  constructor(conversation: Conversation) {
    this.key = conversationKey(conversation);
    this.current = conversation;
  }

  get conversation(): Conversation {
    return this.current;
  }

  get oldestSeq(): number | undefined {
    let oldest: number | undefined;
    for (const seq of this.messages.keys()) if (oldest === undefined || seq < oldest) oldest = seq;
    return oldest;
  }

  get hasMore(): boolean {
    return this.more ?? true;
  }

  get historyRequested(): boolean {
    return this.more !== undefined;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** The server shows a name as first registered; adopt that spelling once it is seen. */
  adoptDisplayName(name: string): void {
    if (this.current.kind === 'direct' && sameName(this.current.with, name)) this.current = direct(name);
  }

  /** Adds a stored message; false when it was already here (same seq). */
  addMessage(message: ChatMessage, self: string): boolean {
    if (this.messages.has(message.seq)) return false;
    this.messages.set(message.seq, message);
    // A resent message of ours can come back stored before its ack: it is no longer pending.
    if (sameName(message.from, self)) this.pending.delete(message.id);
    if (this.current.kind === 'direct' && !sameName(message.from, self)) this.adoptDisplayName(message.from);
    return true;
  }

  /** Adds a page of history (older messages); returns how many were new. */
  addHistory(messages: readonly ChatMessage[], more: boolean, self: string): number {
    // Pages are always asked for right below the oldest held message, so `more` is exact.
    this.more = more;
    let added = 0;
    for (const message of messages) if (this.addMessage(message, self)) added++;
    return added;
  }

  track(outgoing: OutgoingMessage, now: number): void {
    this.pending.set(outgoing.id, { outgoing, createdAt: now });
  }

  hasOutgoing(id: string): boolean {
    return this.pending.has(id);
  }

  /** The ack turned a pending message into a stored one. */
  acknowledge(outgoing: OutgoingMessage, self: string): void {
    this.pending.delete(outgoing.id);
    if (outgoing.seq === undefined || outgoing.ts === undefined) return;
    this.addMessage(
      {
        type: 'message',
        seq: outgoing.seq,
        id: outgoing.id,
        from: self,
        ...(outgoing.to !== undefined ? { to: outgoing.to } : {}),
        text: outgoing.text,
        ts: outgoing.ts,
        ...(outgoing.attachments !== undefined ? { attachments: outgoing.attachments } : {}),
      },
      self,
    );
  }

  addPresence(name: string, online: boolean, afterSeq: number, ts: number): void {
    this.presenceLines.push({ key: `presence:${++this.presenceCounter}`, name, online, ts, afterSeq });
  }

  /** Forget stored messages (after a gap in the stream), keeping what we still have to send. */
  resetStored(): void {
    this.messages.clear();
    this.presenceLines = [];
    this.more = undefined;
  }

  entries(self: string): TimelineEntry[] {
    const stored = [...this.messages.values()].sort((a, b) => a.seq - b.seq);
    const lines = [...this.presenceLines].sort((a, b) => a.afterSeq - b.afterSeq || a.ts - b.ts);
    const result: TimelineEntry[] = [];
    let lineIndex = 0;
    // The join/leave events between two messages, summarised.
    const pushLinesBefore = (seq: number): void => {
      const run: PresenceLine[] = [];
      while (lineIndex < lines.length && lines[lineIndex]!.afterSeq < seq) run.push(lines[lineIndex++]!);
      for (const summary of summarisePresence(run)) result.push(presenceEntry(summary));
    };
    for (const message of stored) {
      pushLinesBefore(message.seq);
      result.push(storedEntry(message, self));
    }
    pushLinesBefore(Infinity);
    for (const { outgoing, createdAt } of this.pending.values()) result.push(pendingEntry(outgoing, createdAt, self));
    return result;
  }
}

/** The key of a message in a timeline: the sender's own id is unique per sender. */
export function entryKey(from: string, id: string): string {
  return `${nameKey(from)}/${id}`;
}

function storedEntry(message: StoredMessage, self: string): MessageEntry {
  const mine = sameName(message.from, self);
  return {
    kind: 'message',
    key: entryKey(message.from, message.id),
    seq: message.seq,
    id: message.id,
    from: message.from,
    ...(message.to !== undefined ? { to: message.to } : {}),
    ...textAndAttachments(message.text, message.attachments),
    ts: message.ts,
    mine,
    status: mine ? 'sent' : 'received',
    ...(message.mentions !== undefined ? { mentions: message.mentions } : {}),
  };
}

function pendingEntry(outgoing: OutgoingMessage, createdAt: number, self: string): MessageEntry {
  return {
    kind: 'message',
    key: entryKey(self, outgoing.id),
    id: outgoing.id,
    from: self,
    ...(outgoing.to !== undefined ? { to: outgoing.to } : {}),
    ...textAndAttachments(outgoing.text, outgoing.attachments),
    ts: createdAt,
    mine: true,
    status: outgoing.status,
    ...(outgoing.error ? { error: outgoing.error.message } : {}),
  };
}

/** With attachments, a panel shows the sender's note: the text less the fallback written for clients without them. */
function textAndAttachments(text: string, attachments: ChatMessage['attachments']): Pick<MessageEntry, 'text' | 'attachments'> {
  return attachments?.length ? { text: splitNote(text, attachments), attachments } : { text };
}

function presenceEntry(summary: PresenceSummary): TimelineEntry {
  return { kind: 'presence', ...summary };
}
