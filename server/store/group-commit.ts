/**
 * Group commit for a store's writes: items that arrive close together share one transaction,
 * and each item's promise settles only after that transaction has committed (or failed), so a
 * caller that acks on resolution never acks what is not durable. Batches commit one at a time,
 * in arrival order; what arrives while one commits waits for the next. Engine-neutral: the
 * caller's `commit` runs one transaction over a batch (synchronously for SQLite, awaited for a
 * server database, where the in-flight commit is itself the window that gathers the next batch).
 */

export interface GroupCommitOptions {
  /**
   * Batches start at most once per this many milliseconds. An item that arrives after a quiet
   * spell (the last batch started longer ago) commits at the end of its event-loop turn, adding
   * no latency; one that arrives sooner waits for the window to end, together with everything
   * else that came meanwhile. 0: every turn's items are one batch, committed at the turn's end.
   */
  windowMs: number;
  /** A batch never holds more; as soon as this many wait, they commit without waiting for the window. */
  maxBatch: number;
}

/** Runs one transaction over the batch, returning one result per item in order, or throws having committed nothing. */
export type CommitBatch<Item, Result> = (items: readonly Item[]) => Result[] | Promise<Result[]>;

interface Waiting<Item, Result> {
  item: Item;
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
}

export class GroupCommit<Item, Result> {
  private queue: Array<Waiting<Item, Result>> = [];
  private timer: { cancel(): void } | undefined;
  private committing: Promise<void> | undefined;
  private lastStart = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly commit: CommitBatch<Item, Result>,
    private readonly options: GroupCommitOptions,
  ) {
    if (!(options.windowMs >= 0) || !Number.isInteger(options.maxBatch) || options.maxBatch < 1) {
      throw new RangeError('a group commit needs windowMs >= 0 and an integer maxBatch >= 1');
    }
  }

  /** Queues the item; resolves with its result once its batch has committed. */
  add(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Commits everything queued now, without waiting for the window, and resolves when all of it has settled. */
  async flush(): Promise<void> {
    while (this.committing || this.queue.length > 0) {
      if (this.committing) await this.committing;
      else await this.start();
    }
  }

  private schedule(): void {
    // A running batch schedules the next when it ends; a full batch does not wait for its window.
    if (this.committing) return;
    const full = this.queue.length >= this.options.maxBatch;
    if (this.timer && !full) return;
    this.timer?.cancel();
    const wait = full ? 0 : this.lastStart + this.options.windowMs - performance.now();
    this.timer = wait > 0 ? after(wait, () => void this.start()) : atTurnEnd(() => void this.start());
  }

  private start(): Promise<void> {
    this.timer?.cancel();
    this.timer = undefined;
    const batch = this.queue.splice(0, this.options.maxBatch);
    this.lastStart = performance.now();
    const running = this.settle(batch).finally(() => {
      this.committing = undefined;
      if (this.queue.length > 0) this.schedule();
    });
    this.committing = running;
    return running;
  }

  /** Commits the batch; if it fails, it committed nothing, and each item is tried alone so only the bad ones are rejected. */
  private async settle(batch: Array<Waiting<Item, Result>>): Promise<void> {
    if (batch.length === 0) return;
    let results: Result[];
    try {
      results = await this.commit(batch.map((waiting) => waiting.item));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      for (const waiting of batch) {
        try {
          const [result] = await this.commit([waiting.item]);
          waiting.resolve(result!);
        } catch (alone) {
          waiting.reject(alone);
        }
      }
      return;
    }
    batch.forEach((waiting, index) => waiting.resolve(results[index]!));
  }
}

function after(ms: number, run: () => void): { cancel(): void } {
  const handle = setTimeout(run, ms);
  return { cancel: () => clearTimeout(handle) };
}

function atTurnEnd(run: () => void): { cancel(): void } {
  const handle = setImmediate(run);
  return { cancel: () => clearImmediate(handle) };
}
