/**
 * One measured benchmark at a time on this machine: two runs pinned to the same two cores would
 * each measure the other. The lock is a file holding the owner's pid; a lock whose owner is gone
 * is taken over.
 */
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const LOCK_FILE = path.join(tmpdir(), 'relay-chat-bench.lock');
const POLL_MS = 2000;

function ownerAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tryLock(): number | undefined {
  try {
    writeFileSync(LOCK_FILE, String(process.pid), { flag: 'wx' });
    return undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const owner = Number(readFileSync(LOCK_FILE, 'utf8'));
  if (Number.isInteger(owner) && owner > 0 && ownerAlive(owner)) return owner;
  unlinkSync(LOCK_FILE);
  return tryLock();
}

/** Waits until no other measured run holds the lock, takes it, and returns its release. */
export async function lockMeasuredRun(log: (line: string) => void): Promise<() => void> {
  let announced = false;
  for (let owner = tryLock(); owner !== undefined; owner = tryLock()) {
    if (!announced) log(`waiting for another measured benchmark run (pid ${owner}) to finish; ${LOCK_FILE}`);
    announced = true;
    await sleep(POLL_MS);
  }
  const release = (): void => {
    try {
      if (readFileSync(LOCK_FILE, 'utf8') === String(process.pid)) unlinkSync(LOCK_FILE);
    } catch {
      // Already gone: nothing to release.
    }
  };
  process.once('exit', release);
  return release;
}
