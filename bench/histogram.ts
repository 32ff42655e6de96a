/**
 * Latency histogram with buckets 1% wide from 1 µs to 100 s. Worker threads each fill one and
 * the generator adds them up, so no thread has to keep (or ship) every single latency.
 */
const BUCKETS_PER_NATURAL_LOG = 1 / Math.log(1.01);
const MAX_MICROSECONDS = 1e8;
const BUCKET_COUNT = Math.ceil(Math.log1p(MAX_MICROSECONDS) * BUCKETS_PER_NATURAL_LOG) + 1;

/** What crosses a thread boundary (structured clone copies the typed array). */
export interface HistogramData {
  counts: Float64Array;
  count: number;
  max: number;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export class LatencyHistogram {
  private readonly counts = new Float64Array(BUCKET_COUNT);
  private count = 0;
  private max = 0;

  record(milliseconds: number): void {
    // The stamp is rounded to the microsecond, so a very fast delivery can read as slightly negative.
    const value = Math.max(0, milliseconds);
    const index = Math.min(BUCKET_COUNT - 1, Math.floor(Math.log1p(value * 1000) * BUCKETS_PER_NATURAL_LOG));
    this.counts[index]! += 1;
    this.count += 1;
    if (value > this.max) this.max = value;
  }

  add(other: HistogramData): void {
    for (let i = 0; i < BUCKET_COUNT; i++) this.counts[i]! += other.counts[i]!;
    this.count += other.count;
    if (other.max > this.max) this.max = other.max;
  }

  data(): HistogramData {
    return { counts: this.counts.slice(), count: this.count, max: this.max };
  }

  /** The latency (ms) that `percent` % of the recorded values are at or below, within 1%. */
  percentile(percent: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil((percent / 100) * this.count));
    let seen = 0;
    for (let i = 0; i < BUCKET_COUNT; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(this.max, Math.expm1((i + 0.5) / BUCKETS_PER_NATURAL_LOG) / 1000);
    }
    return this.max;
  }

  summary(): LatencySummary {
    return {
      count: this.count,
      p50: this.percentile(50),
      p95: this.percentile(95),
      p99: this.percentile(99),
      max: this.max,
    };
  }
}
