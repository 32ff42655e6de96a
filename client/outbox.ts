/**
 * The messages this client has asked to send and the server has not acknowledged yet, in the
 * order they were written, plus the refused ones (kept so they can be retried).
 * Only the oldest pending message is ever on the wire: one at a time keeps the order the
 * user wrote in even when the server rate limits or refuses a message, and after a drop it is
 * the only one whose fate is unknown (it is re-sent with the same id; the server dedups).
 */
import type { Attachment } from '../protocol';

export type OutgoingStatus = 'queued' | 'sending' | 'sent' | 'failed';

export interface OutgoingMessage {
  id: string;
  text: string;
  /** The person of a direct message. */
  to?: string;
  /** (protocol 2) The channel of a channel message; with neither field, the group (#general). */
  channel?: string;
  /** (new) Code anchors and diffs, sent with the text (the sender's fallback for them) every time it goes. */
  attachments?: Attachment[];
  status: OutgoingStatus;
  seq?: number;
  ts?: number;
  error?: { code: string; message: string };
}

export class Outbox {
  private readonly waiting: OutgoingMessage[] = [];
  private readonly refused = new Map<string, OutgoingMessage>();

  /** Queued and sending messages, oldest first. */
  get pending(): readonly OutgoingMessage[] {
    return this.waiting;
  }

  add(message: OutgoingMessage): void {
    message.status = 'queued';
    this.waiting.push(message);
  }

  /** The message to put on the wire now, if the previous one has been answered. */
  nextToSend(): OutgoingMessage | undefined {
    const head = this.waiting[0];
    return head?.status === 'queued' ? head : undefined;
  }

  markSending(message: OutgoingMessage): void {
    message.status = 'sending';
  }

  /** The server stored it: returns the message, now 'sent', or undefined if it is not pending. */
  acknowledge(id: string, seq: number, ts: number): OutgoingMessage | undefined {
    const message = this.take(id);
    if (!message) return undefined;
    message.status = 'sent';
    message.seq = seq;
    message.ts = ts;
    delete message.error;
    return message;
  }

  /** The server (or the client's own check) refused it: it stays available for retry. */
  refuse(message: OutgoingMessage, error: { code: string; message: string }): void {
    const index = this.waiting.indexOf(message);
    if (index >= 0) this.waiting.splice(index, 1);
    message.status = 'failed';
    message.error = error;
    this.refused.set(message.id, message);
  }

  /** Puts the message on the wire back to queued, e.g. after RATE_LIMITED or a dropped connection. */
  requeueSending(): void {
    for (const message of this.waiting) if (message.status === 'sending') message.status = 'queued';
  }

  /** Puts one message on the wire back to queued, e.g. the say a RATE_LIMITED error names. */
  requeue(id: string): void {
    const message = this.pendingById(id);
    if (message?.status === 'sending') message.status = 'queued';
  }

  pendingById(id: string): OutgoingMessage | undefined {
    return this.waiting.find((message) => message.id === id);
  }

  /** Hands back a refused message to be queued again; throws if there is no such refused message. */
  takeFailed(id: string): OutgoingMessage {
    const message = this.refused.get(id);
    if (!message) throw new Error(`no failed message with id ${JSON.stringify(id)} to retry`);
    this.refused.delete(id);
    delete message.error;
    return message;
  }

  private take(id: string): OutgoingMessage | undefined {
    const index = this.waiting.findIndex((message) => message.id === id);
    if (index < 0) return undefined;
    return this.waiting.splice(index, 1)[0];
  }
}
