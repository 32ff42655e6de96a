/**
 * History requests waiting for their answer. Each goes with a `ref` that servers echo; servers
 * from before `ref` do not, so an answer without one is matched by what it echoes (`with`,
 * `before`) and an error without one by what it can be about.
 */
import { conversationKey, conversationOfFields, GENERAL, type Conversation, type HistoryFrame, type HistoryRequestFrame } from '../protocol';
import { PendingRequests } from './pending-requests';
import { RelayError } from './relay-error';

export class HistoryRequests {
  private readonly pending = new PendingRequests<HistoryRequestFrame, HistoryFrame>();

  add(request: HistoryRequestFrame): Promise<HistoryFrame> {
    return this.pending.add(request);
  }

  /** The oldest request still to be put on the wire. */
  nextUnsent(): HistoryRequestFrame | undefined {
    return this.pending.nextUnsent();
  }

  markSent(request: HistoryRequestFrame): void {
    this.pending.markSent(request);
  }

  /** The server may have dropped any of them: send all again (a second answer finds no one waiting). */
  resendAll(): void {
    this.pending.resendAll();
  }

  /** The server dropped the one with this ref. True if it was one of ours. */
  resend(ref: string): boolean {
    return this.pending.resend(ref);
  }

  answer(frame: HistoryFrame): void {
    if (frame.ref !== undefined) {
      this.pending.answer(frame.ref, frame);
      return;
    }
    const conversation = conversationKey(conversationOf(frame));
    this.pending.take((request) => conversationKey(conversationOf(request)) === conversation && request.before === frame.before)?.resolve(frame);
  }

  /**
   * An error about a request: the one its `ref` names, else (from a server before `ref`)
   * UNKNOWN_USER answers a request naming someone, INTERNAL any. True if one was rejected.
   */
  fail(code: string, message: string, ref?: string): boolean {
    const error = new RelayError(code, message);
    if (ref !== undefined) return this.pending.fail(ref, error);
    const waiter =
      code === 'UNKNOWN_USER'
        ? this.pending.take((request) => request.with !== undefined)
        : code === 'INTERNAL'
          ? this.pending.take(() => true)
          : undefined;
    waiter?.reject(error);
    return waiter !== undefined;
  }

  rejectAll(error: RelayError): void {
    this.pending.rejectAll(error);
  }
}

/** What a history request or answer is about; one naming two conversations (never sent) is taken as #general. */
function conversationOf(frame: { with?: string | undefined; channel?: string | undefined }): Conversation {
  const conversation = conversationOfFields(frame);
  return 'problem' in conversation ? GENERAL : conversation;
}
