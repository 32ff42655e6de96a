/**
 * History requests waiting for their answer. Answers carry no request id, so a history frame is
 * matched by what it echoes (`with`, `before`) and an error without an id by what it can be about.
 */
import { nameKey, type HistoryFrame, type HistoryRequestFrame } from '../protocol';
import { RelayError } from './relay-error';

interface Waiter {
  request: HistoryRequestFrame;
  /** False until it is on the wire, and again if the server may have dropped it (RATE_LIMITED). */
  sent: boolean;
  resolve: (frame: HistoryFrame) => void;
  reject: (error: RelayError) => void;
}

export class HistoryRequests {
  private readonly waiters: Waiter[] = [];

  add(request: HistoryRequestFrame): Promise<HistoryFrame> {
    return new Promise((resolve, reject) => this.waiters.push({ request, sent: false, resolve, reject }));
  }

  /** The oldest request still to be put on the wire. */
  nextUnsent(): HistoryRequestFrame | undefined {
    return this.waiters.find((waiter) => !waiter.sent)?.request;
  }

  markSent(request: HistoryRequestFrame): void {
    const waiter = this.waiters.find((candidate) => candidate.request === request);
    if (waiter) waiter.sent = true;
  }

  /** The server may have dropped any of them: send all again (a second answer finds no one waiting). */
  resendAll(): void {
    for (const waiter of this.waiters) waiter.sent = false;
  }

  answer(frame: HistoryFrame): void {
    const conversation = frame.with === undefined ? undefined : nameKey(frame.with);
    this.take(
      (waiter) =>
        (waiter.request.with === undefined ? undefined : nameKey(waiter.request.with)) === conversation &&
        waiter.request.before === frame.before,
    )?.resolve(frame);
  }

  /** An error without an id: UNKNOWN_USER answers a request naming someone, INTERNAL any. True if one was rejected. */
  fail(code: string, message: string): boolean {
    const waiter =
      code === 'UNKNOWN_USER'
        ? this.take((candidate) => candidate.request.with !== undefined)
        : code === 'INTERNAL'
          ? this.take(() => true)
          : undefined;
    waiter?.reject(new RelayError(code, message));
    return waiter !== undefined;
  }

  rejectAll(error: RelayError): void {
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
  }

  private take(matches: (waiter: Waiter) => boolean): Waiter | undefined {
    const index = this.waiters.findIndex((waiter) => waiter.sent && matches(waiter));
    return index < 0 ? undefined : this.waiters.splice(index, 1)[0];
  }
}
