/**
 * One traffic phase in one worker thread: drives the senders that live here (open loop at a
 * rate, or a closed loop with a window) and accounts for every delivery to the clients here.
 */
import { channelName, homeChannel } from '../channel-layout';
import { nowMs } from '../clock';
import { LatencyHistogram } from '../histogram';
import type { PoolClient, DeliverySink } from './client-pool';
import { DeliveryTracker, pairPeer } from './delivery-tracker';
import type { ProblemLog } from './problem-log';
import { readStamp, stampedText, type Stamp } from './stamp';
import type { FinishReport, SentCounts, TrafficPlan } from './worker-protocol';

interface LocalSender {
  readonly client: PoolClient;
  /** The client (in this thread) whose receipt of this sender's message frees a window slot. */
  readonly watcher: number;
  /** Order among all senders, which spreads their first sends over the interval. */
  readonly ordinal: number;
  sent: number;
  nextAt: number;
  timer: NodeJS.Timeout | undefined;
}

const DRAIN_POLL_MS = 20;

export class TrafficRun implements DeliverySink {
  private readonly tracker: DeliveryTracker;
  private readonly latency = new LatencyHistogram();
  private readonly senders = new Map<number, LocalSender>();
  private readonly stamp: Stamp = { phase: 0, sender: 0, counter: 0, sentAt: 0 };
  private deliveriesInWindow = 0;
  private stale = 0;
  private lastDeliveryAt = 0;
  private stopped = false;

  constructor(
    private readonly plan: TrafficPlan,
    receivers: PoolClient[],
    private readonly problems: ProblemLog,
  ) {
    receivers.forEach((client, slot) => (client.receiverSlot = slot));
    this.tracker = new DeliveryTracker(plan.audience, receivers.map((client) => client.index), plan.senders);
    const slotOf = new Map(receivers.map((client, slot) => [client.index, slot]));
    plan.senders.forEach((index, ordinal) => {
      const slot = slotOf.get(index);
      if (slot === undefined) return;
      const watcher = plan.audience === 'pairs' ? pairPeer(index) : receivers[(slot + 1) % receivers.length]!.index;
      if (watcher === index || !slotOf.has(watcher)) {
        throw new Error(`sender ${index} has no other client in its worker thread to watch its deliveries`);
      }
      this.senders.set(index, { client: receivers[slot]!, watcher, ordinal, sent: 0, nextAt: 0, timer: undefined });
    });
  }

  start(): void {
    const { send, startAt } = this.plan;
    for (const sender of this.senders.values()) {
      if (send.kind === 'rate') {
        const interval = 1000 / send.perSecond;
        sender.nextAt = startAt + (sender.ordinal / this.plan.senders.length) * interval;
        this.schedule(sender, interval);
      } else {
        sender.timer = setTimeout(() => {
          for (let i = 0; i < send.size; i++) this.send(sender);
        }, Math.max(0, startAt - nowMs()));
      }
    }
  }

  private schedule(sender: LocalSender, interval: number): void {
    sender.timer = setTimeout(() => {
      const now = nowMs();
      // Open loop: when the thread fell behind, catch up so the offered rate stays the same.
      while (!this.stopped && sender.nextAt <= now && now < this.plan.measureEnd) {
        this.send(sender);
        sender.nextAt += interval;
      }
      if (!this.stopped && sender.nextAt < this.plan.measureEnd) this.schedule(sender, interval);
    }, Math.max(0, sender.nextAt - nowMs()));
  }

  private send(sender: LocalSender): void {
    const { phase, audience } = this.plan;
    const index = sender.client.index;
    const counter = sender.sent++;
    const text = stampedText(phase, index, counter, nowMs());
    const channel = audience === 'channels' ? channelName(homeChannel(index)) : undefined;
    sender.client.bench.say(`${phase}.${counter}`, text, audience === 'pairs' ? pairPeer(index) : undefined, channel);
  }

  onDelivery(receiver: PoolClient, text: string): void {
    const stamp = this.stamp;
    if (!readStamp(text, stamp)) {
      this.problems.record('delivery without a well-formed benchmark stamp');
      return;
    }
    if (stamp.phase !== this.plan.phase) {
      this.stale += 1;
      return;
    }
    if (!this.tracker.record(receiver.receiverSlot, stamp.sender, stamp.counter)) return;
    const receivedAt = nowMs();
    this.lastDeliveryAt = receivedAt;
    if (receivedAt >= this.plan.measureStart && receivedAt < this.plan.measureEnd) {
      this.latency.record(receivedAt - stamp.sentAt);
      this.deliveriesInWindow += 1;
    }
    if (this.plan.send.kind === 'window' && !this.stopped && receivedAt < this.plan.measureEnd) {
      const sender = this.senders.get(stamp.sender);
      if (sender && sender.watcher === receiver.index) this.send(sender);
    }
  }

  /** Stops sending; returns how many messages each local sender sent in this phase. */
  stop(): SentCounts {
    this.stopped = true;
    for (const sender of this.senders.values()) clearTimeout(sender.timer);
    return [...this.senders.values()].map((sender) => [sender.client.index, sender.sent]);
  }

  /**
   * Waits until every expected delivery arrived, or none arrived for `quietMs`, or `maxDrainMs`
   * passed; then counts what is lost and duplicated.
   */
  finish(sent: SentCounts, quietMs: number, maxDrainMs: number): Promise<Omit<FinishReport, 'problems' | 'reconnects'>> {
    const sentBySender = new Map(sent);
    const expected = this.tracker.expectedCount(sentBySender);
    const startedAt = nowMs();
    return new Promise((resolve) => {
      const check = (): void => {
        const now = nowMs();
        const quietFor = now - Math.max(startedAt, this.lastDeliveryAt);
        if (this.tracker.receivedCount < expected && quietFor < quietMs && now - startedAt < maxDrainMs) {
          setTimeout(check, DRAIN_POLL_MS);
          return;
        }
        resolve({
          kind: 'finished',
          counts: this.tracker.counts(sentBySender),
          deliveriesInWindow: this.deliveriesInWindow,
          latency: this.latency.data(),
          stale: this.stale,
        });
      };
      check();
    });
  }
}
