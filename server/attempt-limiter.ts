/**
 * Limits failed attempts (wrong passwords and tokens, made-up invites) per key, in a sliding
 * window: past `maxFailures` within `windowMs`, more attempts under that key wait until the
 * oldest failure leaves the window. It is a seam: several nodes share one in Redis
 * (redis-attempt-limiter.ts), so moving to another node does not reset it.
 */
export interface AttemptLimiter {
  /** How long an attempt under any of these keys must wait; 0 when none is limited. */
  retryAfterMs(keys: readonly string[]): Promise<number>;
  /** Counts a failed attempt under each key. */
  fail(keys: readonly string[]): Promise<void>;
}

export interface AttemptRule {
  /** Keys this rule covers start with this prefix. */
  prefix: string;
  maxFailures: number;
  windowMs: number;
}

/** At most this many keys are tracked; the least recently failed are forgotten first. */
const MAX_TRACKED_KEYS = 100_000;

export class MemoryAttemptLimiter implements AttemptLimiter {
  /** Failure times per key, oldest first, at most the rule's maxFailures of them. Map order is recency. */
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly rules: readonly AttemptRule[],
    private readonly now: () => number = Date.now,
  ) {}

  async retryAfterMs(keys: readonly string[]): Promise<number> {
    let wait = 0;
    const now = this.now();
    for (const key of keys) {
      const rule = this.ruleFor(key);
      const times = this.recent(key, rule, now);
      if (times.length >= rule.maxFailures) wait = Math.max(wait, times[0]! + rule.windowMs - now);
    }
    return wait;
  }

  async fail(keys: readonly string[]): Promise<void> {
    const now = this.now();
    for (const key of keys) {
      const rule = this.ruleFor(key);
      const times = [...this.recent(key, rule, now), now].slice(-rule.maxFailures);
      this.failures.delete(key);
      this.failures.set(key, times);
    }
    while (this.failures.size > MAX_TRACKED_KEYS) this.failures.delete(this.failures.keys().next().value!);
  }

  private recent(key: string, rule: AttemptRule, now: number): number[] {
    const times = this.failures.get(key);
    if (!times) return [];
    const live = times.filter((time) => time > now - rule.windowMs);
    if (live.length === 0) this.failures.delete(key);
    return live;
  }

  private ruleFor(key: string): AttemptRule {
    return ruleFor(this.rules, key);
  }
}

/** The rule whose prefix `key` starts with. */
export function ruleFor(rules: readonly AttemptRule[], key: string): AttemptRule {
  const rule = rules.find((candidate) => key.startsWith(candidate.prefix));
  if (!rule) throw new Error(`no attempt rule covers the key ${key.slice(0, 40)}`);
  return rule;
}

/** The keys a sign-in from `address` for `name` counts under. */
export function signInKeys(name: string, address: string): string[] {
  return [`name:${name}@${address}`, `address:${address}`];
}

/** Five wrong tries at one name, or twenty at any names, from one address per five minutes. */
export const SIGN_IN_RULES: readonly AttemptRule[] = [
  { prefix: 'name:', maxFailures: 5, windowMs: 5 * 60_000 },
  { prefix: 'address:', maxFailures: 20, windowMs: 5 * 60_000 },
];
