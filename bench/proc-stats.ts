/** CPU time and memory of another process, read from Linux's /proc. */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let clockTicks: number | undefined;

/** Clock ticks per second that /proc/<pid>/stat counts CPU time in (almost always 100). */
function ticksPerSecond(): number {
  clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return clockTicks;
}

/** The fields of /proc/<pid>/stat after the command name, from field 3 (state) on. */
function statFields(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces, so count fields from after its ')'.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** User plus system CPU seconds the process (all its threads) has used so far. */
export function cpuSeconds(pid: number): number {
  const fields = statFields(pid);
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond();
}

/**
 * CPU seconds of a process and all its descendants (PostgreSQL: the postmaster and its backends):
 * each live one's own plus what its reaped children used (cutime, cstime), so a child that exits
 * between two readings moves from its own figure into its parent's without loss.
 */
export function treeCpuSeconds(root: number): number {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const parent = Number(statFields(Number(entry))[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // It exited while we looked.
    }
  }
  const rootFields = statFields(root);
  let ticks = Number(rootFields[11]) + Number(rootFields[12]) + Number(rootFields[13]) + Number(rootFields[14]);
  const pending = [...(children.get(root) ?? [])];
  while (pending.length > 0) {
    const pid = pending.pop()!;
    try {
      const fields = statFields(pid);
      ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    } catch {
      continue;
    }
    pending.push(...(children.get(pid) ?? []));
  }
  return ticks / ticksPerSecond();
}

/**
 * CPU seconds every CPU of the machine has spent busy so far (all processes, interrupts
 * included), from the first line of /proc/stat.
 */
export function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  // cpu user nice system idle iowait irq softirq steal ...: everything but idle and iowait is busy.
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / ticksPerSecond();
}

/**
 * Connection attempts the kernel dropped because a listen queue was full (TcpExt
 * ListenOverflows, machine-wide): each one costs its client a SYN retransmit, 1 s at first.
 */
export function listenOverflows(): number {
  const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
  const headerIndex = lines.findIndex((line) => line.startsWith('TcpExt:'));
  const names = lines[headerIndex]?.split(/\s+/) ?? [];
  const values = lines[headerIndex + 1]?.split(/\s+/) ?? [];
  const column = names.indexOf('ListenOverflows');
  if (column < 0) throw new Error('/proc/net/netstat has no TcpExt ListenOverflows counter');
  return Number(values[column]);
}

export interface MemoryKiB {
  /** Resident set size now (VmRSS). */
  rss: number;
  /** Peak resident set size over the process's life (VmHWM). */
  peak: number;
}

export function memoryKiB(pid: number): MemoryKiB {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string): number => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
    if (!match) throw new Error(`/proc/${pid}/status has no ${name}`);
    return Number(match[1]);
  };
  return { rss: field('VmRSS'), peak: field('VmHWM') };
}
