/**
 * The benchmark's clock in milliseconds. process.hrtime reads CLOCK_MONOTONIC, which every
 * thread (and every process) on the machine shares, so a send time stamped in one worker
 * thread can be subtracted from a receive time read in another.
 */
export function nowMs(): number {
  const [seconds, nanoseconds] = process.hrtime();
  return seconds * 1e3 + nanoseconds / 1e6;
}

/** Resolves once nowMs() has reached `time`. */
export function sleepUntil(time: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, time - nowMs())));
}
