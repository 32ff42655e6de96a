/**
 * Where child processes run: server and generator each pinned to their own core with taskset
 * (so neither steals the other's CPU), with enough open files for thousands of sockets.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Placement {
  /** CPU core to pin to, or undefined to let the scheduler decide. */
  core: number | undefined;
  /** Sockets the process will hold open at once (plus headroom for everything else). */
  openFiles: number;
}

const OPEN_FILES_HEADROOM = 512;

function parseCpuList(list: string): number[] {
  return list.split(',').flatMap((part) => {
    const [first, last] = part.split('-').map(Number);
    if (first === undefined || Number.isNaN(first)) return [];
    return Array.from({ length: (last ?? first) - first + 1 }, (_, i) => first + i);
  });
}

/**
 * The two cores for server and generator, or a reason why pinning is impossible here (taskset
 * missing, or fewer than two CPUs available to this process).
 */
export function pinningCores(): { server: number; generator: number } | { unavailable: string } {
  let output: string;
  try {
    output = execFileSync('taskset', ['-c', '-p', String(process.pid)], { encoding: 'utf8' });
  } catch {
    return { unavailable: 'taskset (util-linux) is not installed' };
  }
  const cpus = parseCpuList(output.slice(output.lastIndexOf(':') + 1).trim());
  if (cpus.length < 2) return { unavailable: `only ${cpus.length} CPU is available to this process` };
  return { server: cpus[0]!, generator: cpus[1]! };
}

function openFileLimits(): { soft: number; hard: number } {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((text) => text.startsWith('Max open files'));
  const [soft, hard] = (line ?? '').replace('Max open files', '').trim().split(/\s+/);
  const parse = (value: string | undefined): number => (value === 'unlimited' ? Infinity : Number(value));
  return { soft: parse(soft), hard: parse(hard) };
}

/** The command line that runs `argv` with the given placement. */
export function placedCommand(argv: string[], placement: Placement): string[] {
  const needed = placement.openFiles + OPEN_FILES_HEADROOM;
  const limits = openFileLimits();
  let command = argv;
  if (placement.core !== undefined) command = ['taskset', '-c', String(placement.core), ...command];
  if (limits.soft < needed) {
    if (limits.hard < needed) {
      throw new Error(`this run needs ${needed} open files per process but the hard limit (ulimit -Hn) is ${limits.hard}; raise it (e.g. in /etc/security/limits.conf) or use fewer clients`);
    }
    // prlimit and taskset both exec the command, so the child's pid is the program's own.
    const hard = limits.hard === Infinity ? 'unlimited' : String(limits.hard);
    command = ['prlimit', `--nofile=${hard}:${hard}`, ...command];
  }
  return command;
}
