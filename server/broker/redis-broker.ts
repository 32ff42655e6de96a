/**
 * The Broker over Redis pub/sub, for several nodes: every event goes to one channel that every
 * node subscribes to, serialised once as `<node id> <event JSON>`.
 *
 * A node's own events reach its own connections exactly once, locally and at once: publish()
 * hands them to the local handlers before sending them to Redis, and the copy that comes back
 * through Redis is recognised by the node id and dropped. So this node's recipients neither wait
 * for nor depend on Redis, and see this node's events in the order they were published.
 *
 * When the subscriber connection is lost, events published elsewhere meanwhile are missed (pub/sub
 * keeps nothing). Once subscribed again, the `onResubscribed` listeners run: the server reads the
 * messages it missed from the store (catch-up.ts). Publishes while Redis is away wait in ioredis's
 * offline queue and go out once it is back.
 */
import type { Broker, BrokerEvent } from './broker';
import type { RedisConnections } from './redis-connection';
import type { Logger } from '../options';
import { silentLogger } from '../options';

export const DEFAULT_REDIS_PREFIX = 'relay-chat:';

export interface RedisBrokerOptions {
  /** This node's id, unique in the cluster (a random one per process by default). */
  nodeId: string;
  /** Prefix of every Redis key and channel, so several installations can share one Redis. */
  prefix?: string;
  logger?: Logger;
}

export class RedisBroker implements Broker {
  private readonly handlers = new Set<(event: BrokerEvent) => void>();
  private readonly resubscribedListeners = new Set<() => void>();
  private readonly channel: string;
  private readonly nodeId: string;
  private readonly logger: Logger;
  /** Whether the subscription has been lost since it was last made: the next one is a resubscription. */
  private lost = false;
  private closed = false;

  private constructor(
    private readonly redis: RedisConnections,
    options: RedisBrokerOptions,
  ) {
    this.nodeId = options.nodeId;
    this.channel = `${options.prefix ?? DEFAULT_REDIS_PREFIX}events`;
    this.logger = options.logger ?? silentLogger;
    redis.subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => this.receive(channel, message));
    redis.subscriber.on('close', () => {
      if (this.closed || this.lost) return;
      this.lost = true;
      this.logger.warn(`lost the connection to Redis at ${redis.where}; reconnecting (events from other nodes are caught up from the store after)`);
    });
    redis.subscriber.on('ready', () => {
      if (this.lost) this.resubscribe();
    });
  }

  /** Subscribes, and resolves once subscribed. */
  static async open(redis: RedisConnections, options: RedisBrokerOptions): Promise<RedisBroker> {
    const broker = new RedisBroker(redis, options);
    await redis.subscriber.subscribe(broker.channel);
    return broker;
  }

  publish(event: BrokerEvent): void {
    for (const handler of this.handlers) handler(event);
    this.redis.commands.publish(this.channel, `${this.nodeId} ${JSON.stringify(event)}`).catch((error: unknown) => {
      if (!this.closed) this.logger.warn(`publishing to Redis failed: ${String(error)}`);
    });
  }

  subscribe(handler: (event: BrokerEvent) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  onResubscribed(listener: () => void): () => void {
    this.resubscribedListeners.add(listener);
    return () => this.resubscribedListeners.delete(listener);
  }

  /** Stops listening; the connections are the caller's to close. */
  close(): void {
    this.closed = true;
    this.handlers.clear();
    this.resubscribedListeners.clear();
  }

  private receive(channel: Buffer, message: Buffer): void {
    if (this.closed || channel.toString() !== this.channel) return;
    const space = message.indexOf(0x20);
    if (space < 0 || message.toString('utf8', 0, space) === this.nodeId) return;
    let event: BrokerEvent;
    try {
      event = JSON.parse(message.toString('utf8', space + 1)) as BrokerEvent;
    } catch {
      this.logger.warn('dropped an unreadable event from Redis');
      return;
    }
    for (const handler of this.handlers) handler(event);
  }

  private resubscribe(): void {
    this.redis.subscriber.subscribe(this.channel).then(
      () => {
        if (this.closed) return;
        this.lost = false;
        this.logger.info(`subscribed to Redis at ${this.redis.where} again; catching up on what was missed`);
        for (const listener of this.resubscribedListeners) listener();
      },
      (error: unknown) => this.logger.warn(`subscribing to Redis again failed: ${String(error)}`),
    );
  }
}
