/**
 * The open connections, each pinged once per heartbeat interval, spread over it. Pinged all in
 * one timer, a thousand connections meant a thousand writes and then a thousand pongs to read,
 * tens of milliseconds in which every message in flight waited (fan-out p99, docs/benchmarks.md).
 * So the connections sit in slots, one slot is visited per tick, and a connection is visited
 * once per interval, as before: one that did not answer its last ping is dropped on the next.
 */

/** About this long between ticks; an interval shorter than two ticks has one slot. */
const TICK_MS = 250;
const MAX_SLOTS = 64;

export interface Pingable {
  heartbeat(): void;
}

export class Heartbeats<T extends Pingable> implements Iterable<T> {
  private readonly slots: Array<Set<T>>;
  /** The slot the next connection joins: round robin, so slots stay even. */
  private joining = 0;
  private visiting = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs: number) {
    const slotCount = Math.min(MAX_SLOTS, Math.max(1, Math.round(intervalMs / TICK_MS)));
    this.slots = Array.from({ length: slotCount }, () => new Set<T>());
    this.timer = setInterval(() => this.tick(), intervalMs / slotCount);
    this.timer.unref();
  }

  get size(): number {
    let size = 0;
    for (const slot of this.slots) size += slot.size;
    return size;
  }

  add(connection: T): void {
    this.slots[this.joining]!.add(connection);
    this.joining = (this.joining + 1) % this.slots.length;
  }

  delete(connection: T): void {
    for (const slot of this.slots) if (slot.delete(connection)) return;
  }

  *[Symbol.iterator](): Iterator<T> {
    for (const slot of this.slots) yield* slot;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private tick(): void {
    const slot = this.slots[this.visiting]!;
    this.visiting = (this.visiting + 1) % this.slots.length;
    // One that is dropped leaves the slot meanwhile, which a Set's iteration allows.
    for (const connection of slot) connection.heartbeat();
  }
}
