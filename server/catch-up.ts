/**
 * Messages in seq order, once, and backfill after missed broker events. This sits between the
 * broker and the hub. Messages have a server-wide, gap-free seq: it hands them to the hub in
 * that order, holding one that comes before the one it follows (commits on two nodes can arrive
 * out of order, and a node's own are delivered locally at once), and drops a second copy (a
 * publish resent, or queued during an outage and come late). Over Redis a node misses what
 * other nodes publish while its subscription is down, and a node may die between its commit and
 * its publish: so it catches up when the broker says it subscribed again, or when a seq stays
 * missing for `gapWaitMs`.
 *
 * Catching up reads, for each live connection here, what it may see after the last seq it is
 * sure to have (the node's contiguous seq, or the connection's welcome), from the MessageStore,
 * and sends what this node has not delivered; broker events wait meanwhile (Connection
 * `catching-up`). A connection that missed more than a resume returns is closed with 1012, so
 * it reconnects and resumes from its own seq.
 */
import { CloseCode, LIMITS } from '../protocol';
import type { BrokerEvent, FrameEvent } from './broker/broker';
import type { Hub } from './hub';
import type { Logger } from './options';
import type { MessageStore } from './store/message-store';

/** Close code asking the client to reconnect (and resume): "service restart". */
const RECONNECT_TO_CATCH_UP = CloseCode.Reconnect;
export const DEFAULT_GAP_WAIT_MS = 1000;

export class CatchUp {
  /** Every message up to this seq has been handed on (or was before this node started, or is caught up). */
  private contiguous = 0;
  /** Messages after a missing one, by seq, waiting for it. */
  private readonly waiting = new Map<number, FrameEvent>();
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
    this.contiguous = latestSeq;
  }

  /** The broker's handler: the hub's, with messages in seq order and once. */
  readonly deliver = (event: BrokerEvent): void => {
    if (event.disconnect || event.subscription || event.seq === undefined) {
      this.hub.deliver(event);
      return;
    }
    const seq = event.seq;
    if (seq <= this.contiguous || this.waiting.has(seq)) return;
    if (seq !== this.contiguous + 1) {
      this.waiting.set(seq, event);
      this.armGapTimer();
      return;
    }
    this.contiguous = seq;
    this.hub.deliver(event);
    this.handOnWaiting();
  };

  /** For Broker.onResubscribed: events may have been missed. */
  readonly resubscribed = (): void => {
    void this.run();
  };

  stop(): void {
    this.stopped = true;
    clearTimeout(this.gapTimer);
  }

  /** Hands on the waiting messages that follow on without a gap. */
  private handOnWaiting(): void {
    for (let next = this.waiting.get(this.contiguous + 1); next; next = this.waiting.get(this.contiguous + 1)) {
      this.waiting.delete(++this.contiguous);
      this.hub.deliver(next);
    }
  }

  private armGapTimer(): void {
    if (this.gapTimer !== undefined || this.stopped) return;
    const missing = this.contiguous + 1;
    this.gapTimer = setTimeout(() => {
      this.gapTimer = undefined;
      if (this.contiguous < missing) void this.run();
      else if (this.waiting.size > 0) this.armGapTimer();
    }, this.gapWaitMs);
    this.gapTimer.unref();
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
        const after = Math.max(this.contiguous, connection.coveredSeq);
        snapshot = await this.store.welcomeSnapshot(connection.user!, connection.protocol >= 2 ? 'all' : 'general-and-direct', after, LIMITS.resumeMaxMessages);
      } catch (error) {
        connection.close(RECONNECT_TO_CATCH_UP, 'the server could not catch up; reconnect');
        throw error;
      }
      if (snapshot.gap) {
        connection.close(RECONNECT_TO_CATCH_UP, 'too much was missed; reconnect to catch up');
        continue;
      }
      // Not to the device a waiting message came from: it has its ack.
      const missed = snapshot.messages.filter((message) => this.waiting.get(message.seq)?.audience.exceptDevice !== connection.deviceId);
      sent += missed.length;
      connection.finishCatchUp(missed.map((message) => JSON.stringify(message)), snapshot.latestSeq);
      covered = Math.min(covered, snapshot.latestSeq);
    }
    // Every live connection here has all it may see up to `covered`: nothing at or below it is
    // missing any more. With none here, nothing is. The messages waiting below it still go to
    // the hub, in order: a connection being welcomed may need them, the others drop them (coveredSeq).
    const through = covered !== Infinity ? covered : Math.max(this.contiguous, ...this.waiting.keys());
    for (const seq of [...this.waiting.keys()].sort((x, y) => x - y)) {
      if (seq > through) break;
      const event = this.waiting.get(seq)!;
      this.waiting.delete(seq);
      this.hub.deliver(event);
    }
    this.contiguous = Math.max(this.contiguous, through);
    this.handOnWaiting();
    if (this.waiting.size > 0) this.armGapTimer();
    if (sent > 0) this.logger.info(`caught up: sent ${sent} missed message(s) from the store`);
  }
}
