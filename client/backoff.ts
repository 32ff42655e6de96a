/**
 * Reconnect delays: exponential growth so a down server is not hammered, with jitter so that
 * many clients dropped at the same moment do not all come back at the same moment.
 */
export interface BackoffOptions {
  initialDelayMs?: number;
  maxDelayMs?: number;
}

export class Backoff {
  private attempt = 0;
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(options: BackoffOptions = {}, private readonly random: () => number = Math.random) {
    this.initialDelayMs = options.initialDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 30_000;
    if (!(this.initialDelayMs > 0) || !(this.maxDelayMs >= this.initialDelayMs)) {
      throw new RangeError(
        `reconnect delays must satisfy 0 < initialDelayMs <= maxDelayMs (got ${this.initialDelayMs} and ${this.maxDelayMs})`,
      );
    }
  }

  /** The delay before the next attempt: half of the exponential step fixed, half random. */
  next(): number {
    const step = Math.min(this.maxDelayMs, this.initialDelayMs * 2 ** this.attempt);
    if (step < this.maxDelayMs) this.attempt++;
    return Math.round(step / 2 + (this.random() * step) / 2);
  }

  /** After a successful connection the next drop starts again from the initial delay. */
  reset(): void {
    this.attempt = 0;
  }
}
