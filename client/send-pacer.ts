/**
 * Paces what the client sends so it stays under the server's per-connection rate limit
 * (a token bucket, by default the server's own defaults) instead of learning it from
 * RATE_LIMITED errors; a script piping many lines then just goes at the allowed speed.
 */
export interface RateLimit {
  burst: number;
  perSecond: number;
}

const DEFAULT_RATE_LIMIT: RateLimit = { burst: 30, perSecond: 10 };

/** Slowing down never goes below this, so a confused server cannot stall the client for good. */
const MIN_PER_SECOND = 0.5;

export class SendPacer {
  private readonly burst: number;
  private perSecond: number;
  private tokens: number;
  private updatedAt: number;

  constructor(
    limit: RateLimit = DEFAULT_RATE_LIMIT,
    private readonly now: () => number = Date.now,
  ) {
    if (!(limit.burst >= 1) || !(limit.perSecond > 0)) {
      throw new RangeError(`rate limit needs burst >= 1 and perSecond > 0 (got ${limit.burst}, ${limit.perSecond})`);
    }
    this.burst = limit.burst;
    this.perSecond = limit.perSecond;
    this.tokens = limit.burst;
    this.updatedAt = now();
  }

  /** A new connection starts with a full bucket on the server too. */
  reset(): void {
    this.tokens = this.burst;
    this.updatedAt = this.now();
  }

  /** Counts a frame that is sent regardless (hello); may run the bucket into debt. */
  consume(): void {
    this.refill();
    this.tokens -= 1;
  }

  /** Takes a token for an optional frame (typing) if one is there. */
  tryTake(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** How long until a token is available: 0 means send now. */
  waitMs(): number {
    this.refill();
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.perSecond) * 1000);
  }

  /** The server said RATE_LIMITED, so it is stricter than assumed: halve the pace and wait for a token. */
  slowDown(): void {
    this.refill();
    this.perSecond = Math.max(MIN_PER_SECOND, this.perSecond / 2);
    this.tokens = Math.min(this.tokens, 0);
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) / 1000) * this.perSecond);
    this.updatedAt = now;
  }
}
