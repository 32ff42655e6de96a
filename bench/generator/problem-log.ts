/** Counts unexpected events by description, keeping a bounded number of distinct ones. */
const MAX_DISTINCT = 20;
const OTHERS = '(other problems)';

export type ProblemCounts = Array<[description: string, count: number]>;

export class ProblemLog {
  private readonly counts = new Map<string, number>();

  record(description: string, count = 1): void {
    const key = this.counts.has(description) || this.counts.size < MAX_DISTINCT ? description : OTHERS;
    this.counts.set(key, (this.counts.get(key) ?? 0) + count);
  }

  /** Adds counts gathered elsewhere (another thread). */
  addAll(problems: ProblemCounts): void {
    for (const [description, count] of problems) this.record(description, count);
  }

  /** Everything recorded since the last take. */
  take(): ProblemCounts {
    const taken = [...this.counts];
    this.counts.clear();
    return taken;
  }
}

export function describeProblems(problems: ProblemCounts): string[] {
  return problems.map(([description, count]) => (count > 1 ? `${description} (×${count})` : description));
}
