/**
 * Exactly-once bookkeeping for one traffic phase in one worker: a bit per (message, receiver),
 * so a delivery that arrives twice is a duplicate and an expected one that never arrives is lost.
 */
import { homeChannel, inChannel } from '../channel-layout';

export type Audience = 'group' | 'pairs' | 'channels';

/**
 * In `pairs`, clients 2k and 2k+1 talk to each other; in `group`, everyone hears every sender;
 * in `channels`, the members of the sender's home channel do (bench/channel-layout.ts).
 */
export function pairPeer(client: number): number {
  return client ^ 1;
}

export function expectsDelivery(audience: Audience, receiver: number, sender: number): boolean {
  if (audience === 'channels') return receiver !== sender && inChannel(receiver, homeChannel(sender));
  return audience === 'group' ? receiver !== sender : pairPeer(receiver) === sender;
}

export interface DeliveryCounts {
  /** Deliveries the receivers here should get, given how many messages each sender sent. */
  expected: number;
  /** Expected deliveries that arrived (once). */
  received: number;
  lost: number;
  duplicated: number;
  /** Deliveries to a client that should not get that message at all (e.g. the sender itself). */
  unexpected: number;
}

export class DeliveryTracker {
  private readonly senderSlots = new Map<number, number>();
  /** Bitset of counters seen, keyed by receiverSlot * senderCount + senderSlot. */
  private readonly seen = new Map<number, Uint8Array>();
  private received = 0;
  private duplicated = 0;
  private unexpected = 0;

  constructor(
    private readonly audience: Audience,
    private readonly receivers: readonly number[],
    private readonly senders: readonly number[],
  ) {
    senders.forEach((sender, slot) => this.senderSlots.set(sender, slot));
  }

  get receivedCount(): number {
    return this.received;
  }

  /** Records a delivery; true the first time this receiver gets this message. */
  record(receiverSlot: number, sender: number, counter: number): boolean {
    const senderSlot = this.senderSlots.get(sender);
    if (senderSlot === undefined || !expectsDelivery(this.audience, this.receivers[receiverSlot]!, sender)) {
      this.unexpected += 1;
      return false;
    }
    const key = receiverSlot * this.senders.length + senderSlot;
    const byte = counter >> 3;
    let bits = this.seen.get(key);
    if (!bits || bits.length <= byte) {
      const grown = new Uint8Array(Math.max(64, (byte + 1) * 2));
      if (bits) grown.set(bits);
      bits = grown;
      this.seen.set(key, bits);
    }
    const mask = 1 << (counter & 7);
    if (bits[byte]! & mask) {
      this.duplicated += 1;
      return false;
    }
    bits[byte]! |= mask;
    this.received += 1;
    return true;
  }

  /** How many deliveries the receivers here should get once every sender sent `sent` messages. */
  expectedCount(sent: ReadonlyMap<number, number>): number {
    let expected = 0;
    for (const receiver of this.receivers) {
      for (const sender of this.senders) {
        if (expectsDelivery(this.audience, receiver, sender)) expected += sent.get(sender) ?? 0;
      }
    }
    return expected;
  }

  counts(sent: ReadonlyMap<number, number>): DeliveryCounts {
    const expected = this.expectedCount(sent);
    return {
      expected,
      received: this.received,
      lost: Math.max(0, expected - this.received),
      duplicated: this.duplicated,
      unexpected: this.unexpected,
    };
  }
}
