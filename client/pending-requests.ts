/**
 * Requests waiting for their answer, each tagged with a `ref` of its own that the server echoes
 * in the reply or error, so replies are matched to requests, never guessed by their order.
 * Used for the account requests, and under history requests (which also match servers from
 * before `ref` by what their answers echo).
 */
import { RelayError } from './relay-error';

export interface Waiter<Request, Reply> {
  request: Request;
  /** False until it is on the wire, and again if the server may have dropped it (RATE_LIMITED). */
  sent: boolean;
  resolve: (reply: Reply) => void;
  reject: (error: RelayError) => void;
}

/** A new ref: unique for the life of the process, so a late reply never meets a newer request. */
function newRef(): string {
  return globalThis.crypto.randomUUID();
}

export class PendingRequests<Request extends { ref?: string }, Reply> {
  private readonly waiters: Array<Waiter<Request, Reply>> = [];

  /** Queues `request` under a fresh ref; the promise settles with its reply or error. */
  add(request: Request): Promise<Reply> {
    const tagged: Request = { ...request, ref: newRef() };
    return new Promise((resolve, reject) => this.waiters.push({ request: tagged, sent: false, resolve, reject }));
  }

  /** The oldest request still to be put on the wire. */
  nextUnsent(): Request | undefined {
    return this.waiters.find((waiter) => !waiter.sent)?.request;
  }

  markSent(request: Request): void {
    const waiter = this.waiters.find((candidate) => candidate.request === request);
    if (waiter) waiter.sent = true;
  }

  /** The server may have dropped any of them: send all again (a second answer finds no one waiting). */
  resendAll(): void {
    for (const waiter of this.waiters) waiter.sent = false;
  }

  /** The server dropped the one with this ref: it goes again. True if it is one of ours. */
  resend(ref: string): boolean {
    const waiter = this.waiters.find((candidate) => candidate.request.ref === ref);
    if (waiter) waiter.sent = false;
    return waiter !== undefined;
  }

  /** The request on the wire with this ref, if any: to know what a reply answers before settling it. */
  sentWithRef(ref: string): Request | undefined {
    return this.waiters.find((waiter) => waiter.sent && waiter.request.ref === ref)?.request;
  }

  /** Settles the request `ref` names with `reply`. True if it was one of ours. */
  answer(ref: string, reply: Reply): boolean {
    const waiter = this.take((request) => request.ref === ref);
    waiter?.resolve(reply);
    return waiter !== undefined;
  }

  /** Rejects the request `ref` names. True if it was one of ours. */
  fail(ref: string, error: RelayError): boolean {
    const waiter = this.take((request) => request.ref === ref);
    waiter?.reject(error);
    return waiter !== undefined;
  }

  /** Takes the oldest sent request that `matches`: for answers that carry no ref. */
  take(matches: (request: Request) => boolean): Waiter<Request, Reply> | undefined {
    const index = this.waiters.findIndex((waiter) => waiter.sent && matches(waiter.request));
    return index < 0 ? undefined : this.waiters.splice(index, 1)[0];
  }

  rejectAll(error: RelayError): void {
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
  }
}
