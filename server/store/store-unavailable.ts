/**
 * A store that lives in another process (PostgreSQL) can be unreachable for a while. It rejects
 * with this, so the server tells the client to try again later (UNAVAILABLE, retryAfterMs)
 * instead of reporting a failure the client would show as final.
 */
export class StoreUnavailableError extends Error {
  /** How long a client should wait before sending again. */
  readonly retryAfterMs: number;

  constructor(message: string, options: { cause?: unknown; retryAfterMs?: number } = {}) {
    super(message, { cause: options.cause });
    this.name = 'StoreUnavailableError';
    this.retryAfterMs = options.retryAfterMs ?? 2000;
  }
}
