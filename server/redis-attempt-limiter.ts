/**
 * The AttemptLimiter in Redis, shared by every node, so moving to another node does not reset
 * it. The same sliding window as MemoryAttemptLimiter: each key is a sorted set of its failure
 * times (Redis's clock), at most the rule's maxFailures of them, expiring with the window. Each
 * call is one Lua script, so concurrent sign-ins on several nodes count exactly.
 */
import { randomUUID } from 'node:crypto';
import type { AttemptLimiter, AttemptRule } from './attempt-limiter';
import { ruleFor } from './attempt-limiter';
import { DEFAULT_REDIS_PREFIX } from './broker/redis-broker';
import type { RedisConnections } from './broker/redis-connection';

const NOW = `local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** KEYS: the sets; ARGV: maxFailures and windowMs per key → the longest wait in ms, 0 when none is limited. */
const RETRY_AFTER = `${NOW}
local wait = 0
for i, key in ipairs(KEYS) do
  local max, window = tonumber(ARGV[2 * i - 1]), tonumber(ARGV[2 * i])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  if redis.call('ZCARD', key) >= max then
    local oldest = tonumber(redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2])
    wait = math.max(wait, oldest + window - now)
  end
end
return wait`;

/** KEYS: the sets; ARGV: a unique member, then maxFailures and windowMs per key. */
const FAIL = `${NOW}
for i, key in ipairs(KEYS) do
  local max, window = tonumber(ARGV[2 * i]), tonumber(ARGV[2 * i + 1])
  redis.call('ZADD', key, now, ARGV[1])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  redis.call('ZREMRANGEBYRANK', key, 0, -(max + 1))
  redis.call('PEXPIRE', key, window)
end
return 0`;

export class RedisAttemptLimiter implements AttemptLimiter {
  private readonly prefix: string;

  constructor(
    private readonly redis: RedisConnections,
    private readonly rules: readonly AttemptRule[],
    prefix = DEFAULT_REDIS_PREFIX,
  ) {
    this.prefix = `${prefix}attempts:`;
  }

  async retryAfterMs(keys: readonly string[]): Promise<number> {
    if (keys.length === 0) return 0;
    const wait = await this.redis.commands.eval(RETRY_AFTER, keys.length, ...this.redisKeys(keys), ...this.limits(keys));
    return Math.max(0, Number(wait));
  }

  async fail(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.redis.commands.eval(FAIL, keys.length, ...this.redisKeys(keys), randomUUID(), ...this.limits(keys));
  }

  private redisKeys(keys: readonly string[]): string[] {
    return keys.map((key) => this.prefix + key);
  }

  private limits(keys: readonly string[]): number[] {
    return keys.flatMap((key) => {
      const rule = ruleFor(this.rules, key);
      return [rule.maxFailures, rule.windowMs];
    });
  }
}
