/** The single-process Broker and PresenceManager: plain in-memory structures, no full scans. */
import type { Broker, BrokerEvent, PresenceManager } from './broker';

export class MemoryBroker implements Broker {
  private readonly handlers = new Set<(event: BrokerEvent) => void>();

  publish(event: BrokerEvent): void {
    for (const handler of this.handlers) handler(event);
  }

  subscribe(handler: (event: BrokerEvent) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }
}

export class MemoryPresence implements PresenceManager {
  /** Online keys, sorted, and their display names at the same index: a welcome's list is one copy. */
  private readonly keys: string[] = [];
  private readonly names: string[] = [];

  async join(key: string, name: string): Promise<boolean> {
    const at = this.indexOf(key);
    const wasOnline = this.keys[at] === key;
    if (wasOnline) {
      this.names[at] = name;
    } else {
      this.keys.splice(at, 0, key);
      this.names.splice(at, 0, name);
    }
    return !wasOnline;
  }

  async leave(key: string): Promise<boolean> {
    const at = this.indexOf(key);
    if (this.keys[at] !== key) return false;
    this.keys.splice(at, 1);
    this.names.splice(at, 1);
    return true;
  }

  async isOnline(key: string): Promise<boolean> {
    return this.keys[this.indexOf(key)] === key;
  }

  async online(): Promise<string[]> {
    return this.names.slice();
  }

  /** Where `key` is, or would go, in `keys` (binary search). */
  private indexOf(key: string): number {
    let low = 0;
    let high = this.keys.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.keys[middle]! < key) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
