/**
 * Backfill after missed broker events. Over Redis, a node misses what other nodes publish while
 * its subscription is down; messages have a server-wide, gap-free seq, so a miss shows as a gap.
 * This sits between the broker and the hub: it tracks which message seqs this node has handed
 * to its connections, drops a second copy of one (a publish queued during the outage that comes
 * late), and catches up when the broker says it subscribed again, or when a seq stays missing
 * for `gapWaitMs` (commits on two nodes may arrive out of order, so a gap is given that long).
 *
 * Catching up reads, for each live connection here, what it may see after the last seq it is
 * sure to have (the node's contiguous seq, or the connection's welcome), from the MessageStore,
 * and sends what this node has not delivered; broker events wait meanwhile (Connection
 * `catching-up`). A connection that missed more than a resume returns is closed with 1012, so
 * it reconnects and resumes from its own seq.
 */
import { LIMITS } from '../protocol';
import type { BrokerEvent } from './broker/broker';
import type { Hub } from './hub';
import type { Logger } from './options';
import type { MessageStore } from './store/message-store';

/** Close code asking the client to reconnect (and resume): "service restart". */
const RECONNECT_TO_CATCH_UP = 1012;
export const DEFAULT_GAP_WAIT_MS = 1000;

export class CatchUp {
  /** Every seq up to this one is handled (delivered, or known to be nothing for here); undefined before the first. */
  private contiguous: number | undefined;
  /** Handled seqs above `contiguous`. */
  private readonly ahead = new Set<number>();
  private gapTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private runAgain = false;
  private stopped = false;

  constructor(
    private readonly hub: Hub,
    private readonly store: MessageStore,
    private readonly logger: Logger,
    private readonly gapWaitMs = DEFAULT_GAP_WAIT_MS,
  ) {}

  /** Starts from the store's latest seq: what is committed after it comes through the broker, or is caught up. */
  async start(): Promise<void> {
    // No such viewer, and no messages asked for: only the latest seq.
    const { latestSeq } = await this.store.welcomeSnapshot({ id: 0, name: '' }, 'general-and-direct', undefined, 0);
    if (this.contiguous === undefined) this.contiguous = latestSeq;
  }

  /** The broker's handler: the hub's, without second copies of messages. */
  readonly deliver = (event: BrokerEvent): void => {
    if (event.disconnect || event.subscription || event.seq === undefined) {
      this.hub.deliver(event);
      return;
    }
    if (this.handled(event.seq)) return;
    this.mark(event.seq);
    this.hub.deliver(event);
  };

  /** For Broker.onResubscribed: events may have been missed. */
  readonly resubscribed = (): void => {
    void this.run();
  };

  /** Resolves once no catch-up is running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.gapTimer);
  }

  private handled(seq: number): boolean {
    return (this.contiguous !== undefined && seq <= this.contiguous) || this.ahead.has(seq);
  }

  private mark(seq: number): void {
    if (this.contiguous === undefined) {
      this.contiguous = seq;
      return;
    }
    this.ahead.add(seq);
    this.advance();
  }

  private advance(): void {
    while (this.ahead.delete(this.contiguous! + 1)) this.contiguous!++;
    if (this.ahead.size > 0 && this.gapTimer === undefined && !this.stopped) {
      const missing = this.contiguous! + 1;
      this.gapTimer = setTimeout(() => {
        this.gapTimer = undefined;
        if (this.handled(missing)) this.advance();
        else void this.run();
      }, this.gapWaitMs);
      this.gapTimer.unref();
    }
  }

  /** One catch-up at a time; one asked for while another runs follows it. */
  private run(): Promise<void> {
    if (this.running) {
      this.runAgain = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.runAgain = false;
          await this.catchUp();
        } while (this.runAgain && !this.stopped);
      } catch (error) {
        this.logger.warn(`catching up on missed messages failed: ${String(error)}`);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  private async catchUp(): Promise<void> {
    let covered = Infinity;
    let sent = 0;
    for (const connection of [...this.hub.connections()]) {
      if (this.stopped) return;
      if (!connection.beginCatchUp()) continue;
      let snapshot;
      try {
        const after = Math.max(this.contiguous ?? 0, connection.coveredSeq);
        snapshot = await this.store.welcomeSnapshot(connection.user!, connection.protocol >= 2 ? 'all' : 'general-and-direct', after, LIMITS.resumeMaxMessages);
      } catch (error) {
        connection.close(RECONNECT_TO_CATCH_UP, 'the server could not catch up; reconnect');
        throw error;
      }
      if (snapshot.gap) {
        connection.close(RECONNECT_TO_CATCH_UP, 'too much was missed; reconnect to catch up');
        continue;
      }
      const missed = snapshot.messages.filter((message) => !this.handled(message.seq));
      sent += missed.length;
      connection.finishCatchUp(missed.map((message) => JSON.stringify(message)), snapshot.latestSeq);
      covered = Math.min(covered, snapshot.latestSeq);
    }
    // Every connection here has all it may see up to `covered`: nothing at or below it is missing
    // any more. With no connection here, nothing is.
    const through = covered !== Infinity ? covered : this.ahead.size > 0 ? Math.max(...this.ahead) : this.contiguous;
    if (through !== undefined && (this.contiguous === undefined || through > this.contiguous)) {
      this.contiguous = through;
      for (const seq of this.ahead) if (seq <= through) this.ahead.delete(seq);
    }
    this.advance();
    if (sent > 0) this.logger.info(`caught up: sent ${sent} missed message(s) from the store`);
  }
}
