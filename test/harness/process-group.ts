// Child processes started in their own process group (setsid), so stopping one also ends everything
// it started: code-server forks a server, an extension host, file watchers and pty hosts.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';

export interface GroupProcess {
  readonly child: ChildProcess;
  /** Resolves with the exit code (or the signal name) once the group leader has exited. */
  readonly exited: Promise<number | string>;
  /** SIGTERM to the whole group, SIGKILL after `graceMs`, then SIGKILL again for stragglers. */
  stop(graceMs?: number): Promise<void>;
}

/** Group leaders still running; killed if the test process exits without stopping them. */
const running = new Set<number>();
process.once('exit', () => {
  for (const pid of running) killGroup(pid, 'SIGKILL');
});

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    // ESRCH: the whole group is already gone, which is what we want.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** Starts `command` as the leader of a new process group, with stdout and stderr appended to `logFile`. */
export function spawnGroup(command: string, args: string[], env: NodeJS.ProcessEnv, logFile: string): GroupProcess {
  const logFd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(command, args, { env, detached: true, stdio: ['ignore', logFd, logFd] });
  } finally {
    // The child holds its own copy of the descriptor.
    closeSync(logFd);
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${command} (see ${logFile})`);
  running.add(pid);
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(pid);
      resolve(code ?? signal ?? 'unknown');
    });
  });
  // Keeps a running child from holding the test process open.
  child.unref();

  return {
    child,
    exited,
    async stop(graceMs = 5000) {
      killGroup(pid, 'SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      });
      await Promise.race([exited, gaveUp]);
      clearTimeout(timer);
      killGroup(pid, 'SIGKILL');
      await exited;
    },
  };
}
