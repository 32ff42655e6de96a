/**
 * The seams a node shares with the others through Redis (`--redis`): the broker, presence and
 * sign-in limits, over one command and one subscriber connection, opened and closed together.
 */
import { SIGN_IN_RULES } from './attempt-limiter';
import { RedisBroker } from './broker/redis-broker';
import { openRedis, type RedisTarget } from './broker/redis-connection';
import { RedisPresence } from './broker/redis-presence';
import type { Logger } from './options';
import { RedisAttemptLimiter } from './redis-attempt-limiter';

export interface RedisSettings extends RedisTarget {
  /** Prefix of every key and channel, so installations can share a Redis. Default `relay-chat:`. */
  prefix?: string;
  /** Presence timing (redis-presence.ts): refresh every 5 s, TTL 15 s, sweep every 5 s by default. */
  presence?: { refreshMs?: number; ttlMs?: number; sweepMs?: number };
  /** How long a starting node waits for Redis before it gives up. Default 5 s. */
  connectTimeoutMs?: number;
}

export interface RedisCluster {
  broker: RedisBroker;
  presence: RedisPresence;
  attempts: RedisAttemptLimiter;
  /** Takes this node's users out of presence, announcing them offline; gives up after a few seconds when Redis is away. */
  withdraw(): Promise<void>;
  close(): Promise<void>;
}

const CONNECT_TIMEOUT_MS = 5000;
/** A node shutting down while Redis is away does not wait for it longer than this; its entry then expires. */
const WITHDRAW_TIMEOUT_MS = 2000;

export async function openRedisCluster(settings: RedisSettings, nodeId: string, logger: Logger): Promise<RedisCluster> {
  const redis = openRedis(settings, nodeId);
  try {
    let timer: NodeJS.Timeout | undefined;
    const waitMs = settings.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const why = redis.lastError !== undefined ? `: ${redis.lastError.slice(0, 200)}` : '';
        reject(new Error(`cannot reach Redis at ${redis.where} (waited ${waitMs / 1000} s)${why}`));
      }, waitMs);
    });
    await Promise.race([Promise.all([redis.commands.ping(), redis.subscriber.ping()]), timeout]).finally(() => clearTimeout(timer));
    const common = { nodeId, logger, ...(settings.prefix !== undefined ? { prefix: settings.prefix } : {}) };
    const broker = await RedisBroker.open(redis, common);
    const presence = await RedisPresence.open(redis, { ...common, ...settings.presence });
    const attempts = new RedisAttemptLimiter(redis, SIGN_IN_RULES, settings.prefix);
    return {
      broker,
      presence,
      attempts,
      async withdraw() {
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<void>((resolve) => {
          timer = setTimeout(() => {
            logger.warn(`Redis did not answer within ${WITHDRAW_TIMEOUT_MS / 1000} s: this node's users go offline when its presence expires`);
            resolve();
          }, WITHDRAW_TIMEOUT_MS);
        });
        await Promise.race([presence.withdraw(), late]).finally(() => clearTimeout(timer));
      },
      async close() {
        presence.halt();
        broker.close();
        await redis.close();
      },
    };
  } catch (error) {
    await redis.close();
    throw error;
  }
}
