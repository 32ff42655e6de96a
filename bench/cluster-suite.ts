/**
 * The cluster scenario: for each target with a scale-out (Relay Chat on PostgreSQL and Redis,
 * Socket.IO with its Redis adapter) and each node count, fresh node processes on one shared
 * PostgreSQL and one Redis that this file starts (and stops) itself, then the same group traffic;
 * last a kill run, in which the generator SIGKILLs one node halfway through the window.
 * PostgreSQL and Redis are started the way the tests start theirs (test/support), on unix sockets
 * in a temporary folder, and pinned to the server core with the nodes.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { postgresBinDir, TestPostgres } from '../test/support/postgres';
import { redisServerAvailable, startTestRedis, type TestRedis } from '../test/support/redis';
import { startGenerator } from './generator-process';
import type { TrafficFigures } from './generator/job';
import { summarizeClusterRecord } from './cluster-report';
import type { ClusterSpec } from './scenarios';
import { startTarget, type RunningTarget } from './targets/launch-target';
import type { TargetName } from './targets/names';

/** The targets that have a scale-out; the minimal relay has none. */
export const CLUSTER_TARGETS = ['relay', 'socketio'] as const satisfies readonly TargetName[];
export type ClusterTarget = (typeof CLUSTER_TARGETS)[number];

export interface ClusterRecord {
  target: ClusterTarget;
  nodes: number;
  /** Whether a node was killed halfway through the window. */
  kill: boolean;
  run: number;
  figures?: TrafficFigures;
  /** Peak RSS of each node that lived to the end. */
  peakRssKiB?: number[];
  loadAverage: number;
  error?: string;
}

export interface ClusterResults {
  records: ClusterRecord[];
  /** Why the scenario did not run (PostgreSQL or Redis not installed). */
  skipped?: string;
}

export interface ClusterRunOptions {
  targets: TargetName[];
  runs: number;
  workers: number;
  cores: { server: number; generator: number } | undefined;
  log(line: string): void;
}

/** Why the cluster scenario cannot run here, or undefined when it can. */
export function clusterUnavailable(): string | undefined {
  if (postgresBinDir() === undefined) return 'PostgreSQL is not installed (apt-get install postgresql)';
  if (!redisServerAvailable()) return 'redis-server is not installed (apt-get install redis-server)';
  return undefined;
}

/** Pins a running process and all its threads (and so the children it forks later) to one core. */
function pin(pid: number, core: number | undefined): void {
  if (core !== undefined) execFileSync('taskset', ['-a', '-c', '-p', String(core), String(pid)], { stdio: 'ignore' });
}

async function redisPid(redis: TestRedis): Promise<number> {
  const client = new Redis({ path: redis.socket });
  try {
    const info = await client.info('server');
    const pid = Number(/^process_id:(\d+)/m.exec(info)?.[1]);
    if (!Number.isInteger(pid)) throw new Error('redis INFO server has no process_id');
    return pid;
  } finally {
    client.disconnect();
  }
}

interface Configuration {
  nodes: number;
  kill: boolean;
}

function configurations(spec: ClusterSpec): Configuration[] {
  return [...spec.nodeCounts.map((nodes) => ({ nodes, kill: false })), ...(spec.killRunNodes > 0 ? [{ nodes: spec.killRunNodes, kill: true }] : [])];
}

export function describeConfiguration(record: Pick<ClusterRecord, 'nodes' | 'kill'>): string {
  return `${record.nodes} node${record.nodes > 1 ? 's' : ''}${record.kill ? ', one killed' : ''}`;
}

export async function runClusterScenario(spec: ClusterSpec, options: ClusterRunOptions): Promise<ClusterResults> {
  const unavailable = clusterUnavailable();
  if (unavailable) {
    options.log(`[cluster] skipped: ${unavailable}; it needs a local PostgreSQL and redis-server, which it starts itself`);
    return { records: [], skipped: unavailable };
  }
  const targets = CLUSTER_TARGETS.filter((target) => options.targets.includes(target));
  if (targets.length === 0) {
    options.log(`[cluster] skipped: none of the chosen targets has a scale-out (${CLUSTER_TARGETS.join(' and ')} do)`);
    return { records: [], skipped: `none of the chosen targets (${options.targets.join(', ')}) has a scale-out` };
  }
  const postgres = await TestPostgres.start(postgresBinDir()!);
  const redis = await startTestRedis().catch((error: unknown) => {
    postgres.destroy();
    throw error;
  });
  const records: ClusterRecord[] = [];
  try {
    const postmaster = Number(readFileSync(path.join(postgres.dir, 'pg', 'postmaster.pid'), 'utf8').split('\n', 1)[0]);
    const redisProcess = await redisPid(redis);
    pin(postmaster, options.cores?.server);
    pin(redisProcess, options.cores?.server);
    let configurationCount = 0;
    for (let run = 1; run <= options.runs; run++) {
      for (const target of run % 2 === 1 ? targets : [...targets].reverse()) {
        for (const configuration of configurations(spec)) {
          configurationCount += 1;
          const record: ClusterRecord = { target, ...configuration, run, loadAverage: loadavg()[0]! };
          const nodes: RunningTarget[] = [];
          try {
            // A fresh database and Redis prefix each time, so nothing of an earlier configuration is seen.
            const store = postgres.url(await postgres.createDatabaseNamed());
            const cluster = { store, redis: redis.socket, prefix: `bench${configurationCount}:` };
            for (let node = 0; node < configuration.nodes; node++) {
              nodes.push(await startTarget(target, { placement: { core: options.cores?.server, openFiles: spec.traffic.clients }, cluster }));
            }
            const generator = startGenerator(
              {
                target,
                urls: nodes.map((node) => node.url),
                servers: { nodes: nodes.map((node) => node.pid), postgres: postmaster, redis: redisProcess },
                serverInspectorUrl: undefined,
                reconnect: true,
                ...(configuration.kill ? { killNode: configuration.nodes - 1 } : {}),
                workers: options.workers,
                scenario: spec.traffic,
              },
              { core: options.cores?.generator, openFiles: spec.traffic.clients },
            );
            try {
              const figures = await generator.figures;
              if (figures.kind !== 'traffic') throw new Error(`the generator answered a cluster run with ${figures.kind} figures`);
              record.figures = figures;
              record.peakRssKiB = nodes.flatMap((node, index) => (configuration.kill && index === configuration.nodes - 1 ? [] : [node.peakRssKiB()]));
            } finally {
              await Promise.all(nodes.map((node) => node.stop()));
              await generator.exit();
            }
          } catch (error) {
            record.error = error instanceof Error ? error.message : String(error);
            await Promise.all(nodes.map((node) => node.stop()));
          }
          records.push(record);
          options.log(`[cluster run ${run}/${options.runs}] ${target}, ${describeConfiguration(record)}: ${summarizeClusterRecord(record)}`);
        }
      }
    }
  } finally {
    await redis.stop();
    postgres.destroy();
  }
  return { records };
}
