/** The single-process Broker and PresenceManager: plain in-memory structures, no scans. */
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
  private readonly names = new Map<string, string>();

  async join(key: string, name: string): Promise<boolean> {
    const wasOnline = this.names.has(key);
    this.names.set(key, name);
    return !wasOnline;
  }

  async leave(key: string): Promise<boolean> {
    return this.names.delete(key);
  }

  async online(): Promise<string[]> {
    return [...this.names.values()];
  }
}
