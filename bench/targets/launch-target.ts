/**
 * Starts a target server as its own child process (so its CPU seconds and peak RSS can be read
 * from /proc), waits for the line with its ws:// URL, and stops it cleanly.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { benchBundle, RELAY_CLI } from '../paths';
import { placedCommand, type Placement } from '../placement';
import { memoryKiB } from '../proc-stats';
import type { TargetName } from './names';

/**
 * Relay's per-connection limiter (default burst 30, 10/s) would cap every sender long before the
 * server is busy; raising it through the documented CLI option makes the benchmark measure
 * relaying, not the limiter.
 */
export const RELAY_RATE_LIMIT = { burst: 1_000_000, perSecond: 1_000_000 };
/** Not-yet-welcomed connections the server admits, raised past any scenario's client count. */
export const RELAY_PENDING_LIMIT = 1_000_000;

const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 15_000;
const STDERR_TAIL_LINES = 20;

export interface TargetLaunch {
  placement: Placement;
  /** Write a V8 CPU profile of the server into this folder when it exits. */
  profile?: { dir: string; name: string };
  /** Open the server's inspector on a free loopback port (to force GCs from outside). */
  inspect?: boolean;
  /** Run as one node of several: on this shared PostgreSQL (Relay only) and Redis. */
  cluster?: ClusterNode;
}

export interface ClusterNode {
  /** postgres:// URL of the shared store (Relay's --store). */
  store: string;
  /** Unix socket path of the shared Redis. */
  redis: string;
  /** Relay's --redis-prefix: one per configuration, so no state of an earlier one is seen. */
  prefix: string;
}

export interface RunningTarget {
  pid: number;
  url: string;
  /** The inspector's ws:// URL, when started with `inspect`. */
  inspectorUrl: string | undefined;
  peakRssKiB(): number;
  stop(): Promise<void>;
}

function programArgs(target: TargetName, dataDir: string | undefined, cluster: ClusterNode | undefined): string[] {
  const listen = ['--host', '127.0.0.1', '--port', '0'];
  switch (target) {
    case 'relay':
      return [
        RELAY_CLI,
        ...listen,
        '--data',
        dataDir!,
        '--rate-burst',
        String(RELAY_RATE_LIMIT.burst),
        '--rate-per-second',
        String(RELAY_RATE_LIMIT.perSecond),
        // Every benchmark client comes from 127.0.0.1, thousands at once in the connection storm.
        '--max-pending-per-address',
        String(RELAY_PENDING_LIMIT),
        '--max-pending',
        String(RELAY_PENDING_LIMIT),
        ...(cluster ? ['--store', cluster.store, '--redis', cluster.redis, '--redis-prefix', cluster.prefix] : []),
      ];
    case 'minimal':
      if (cluster) throw new Error('the minimal relay has no cluster mode');
      return [benchBundle('minimal-relay'), ...listen];
    case 'socketio':
      return cluster ? [benchBundle('socketio-cluster-server'), ...listen, '--redis', cluster.redis] : [benchBundle('socketio-server'), ...listen];
  }
}

export async function startTarget(target: TargetName, launch: TargetLaunch): Promise<RunningTarget> {
  const dataDir = target === 'relay' ? mkdtempSync(path.join(tmpdir(), 'relay-bench-')) : undefined;
  const removeDataDir = (): void => {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  const nodeArgs = [
    ...(launch.profile ? ['--cpu-prof', '--cpu-prof-dir', launch.profile.dir, '--cpu-prof-name', `${launch.profile.name}.cpuprofile`] : []),
    ...(launch.inspect ? ['--inspect=127.0.0.1:0'] : []),
  ];
  const [command, ...args] = placedCommand([process.execPath, ...nodeArgs, ...programArgs(target, dataDir, launch.cluster)], launch.placement);
  const child = spawn(command!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const stderrTail: string[] = [];
  let inspectorUrl: string | undefined;
  let inspectorAnnounced: () => void = () => {};
  const inspectorKnown = new Promise<void>((resolve) => (inspectorAnnounced = resolve));
  createInterface({ input: child.stderr! }).on('line', (line) => {
    // Node announces the inspector on stderr, which is read independently of stdout.
    const announced = /^Debugger listening on (ws:\/\/\S+)/.exec(line)?.[1];
    if (announced && !inspectorUrl) {
      inspectorUrl = announced;
      inspectorAnnounced();
    }
    stderrTail.push(line);
    if (stderrTail.length > STDERR_TAIL_LINES) stderrTail.shift();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let running = true;
  void exited.then(() => (running = false));

  const describeExit = (what: string): string => `${target} server ${what}${stderrTail.length ? `:\n${stderrTail.join('\n')}` : ''}`;
  let url: string;
  try {
    url = await new Promise<string>((resolve, reject) => {
      const settle = (serverUrl: string): void => {
        clearTimeout(timer);
        resolve(serverUrl);
      };
      const found = (serverUrl: string): void => {
        if (launch.inspect) void inspectorKnown.then(() => settle(serverUrl));
        else settle(serverUrl);
      };
      const timer = setTimeout(
        () => reject(new Error(describeExit(`did not announce its ws:// URL${launch.inspect ? ' and inspector' : ''} within ${START_TIMEOUT_MS / 1000} s`))),
        START_TIMEOUT_MS,
      );
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const match = /ws:\/\/[^\s"')]+/.exec(line);
        if (match) found(match[0]);
      });
      child.once('error', (error) => reject(new Error(describeExit(`could not start: ${error.message}`))));
      void exited.then((code) => reject(new Error(describeExit(`exited with code ${code} before listening`))));
    });
  } catch (error) {
    child.kill('SIGKILL');
    removeDataDir();
    throw error;
  }

  return {
    pid: child.pid!,
    url,
    inspectorUrl,
    peakRssKiB: () => memoryKiB(child.pid!).peak,
    async stop() {
      if (running) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      }
      removeDataDir();
    },
  };
}
