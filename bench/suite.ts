/**
 * Runs the chosen scenarios against the chosen targets, each (scenario, target, run) on a fresh
 * server process and a fresh generator process, and collects the figures.
 */
import { cpus, loadavg, release, totalmem } from 'node:os';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { bundleBenchPrograms } from './bundle';
import { runClusterScenario, type ClusterResults } from './cluster-suite';
import { startGenerator } from './generator-process';
import type { ScenarioFigures } from './generator/job';
import { REPO_ROOT, RELAY_CLI } from './paths';
import { summarizeRecord } from './report';
import { pinningCores } from './placement';
import { defaultRuns, peakClients, scenarioSpec, type ScenarioName, type ScenarioOverrides, type ScenarioSpec } from './scenarios';
import { ADAPTERS } from './adapters';
import { startTarget } from './targets/launch-target';
import type { TargetName } from './targets/names';

export interface SuiteOptions {
  scenarios: ScenarioName[];
  targets: TargetName[];
  /** Runs per scenario; by default 2 (3 for saturation), 1 with `quick`. */
  runs?: number;
  quick: boolean;
  overrides: ScenarioOverrides;
  /** Worker threads in the generator. */
  workers: number;
  pin: boolean;
  /** Folder for V8 CPU profiles of the servers, when wanted. */
  profileDir?: string;
  log(line: string): void;
}

export interface RunRecord {
  scenario: ScenarioName;
  target: TargetName;
  run: number;
  figures?: ScenarioFigures;
  /** Server peak RSS (VmHWM) over the whole run, setup included. */
  peakRssKiB?: number;
  /** The machine's 1-minute load average when the run started: how busy it was with other work. */
  loadAverage: number;
  error?: string;
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  node: string;
  /** How server and generator were placed on cores. */
  placement: string;
}

export interface SuiteResults {
  startedAt: string;
  /** `git describe --always --dirty` of the tree that was measured. */
  revision: string;
  quick: boolean;
  workers: number;
  machine: MachineInfo;
  specs: Partial<Record<ScenarioName, ScenarioSpec>>;
  records: RunRecord[];
  /** The cluster scenario's runs, one per (target, node count) and the kill run. */
  cluster?: ClusterResults;
}

function revision(): string {
  try {
    return execFileSync('git', ['describe', '--always', '--dirty'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown (not a git checkout)';
  }
}

function rotate<T>(items: readonly T[], by: number): T[] {
  const shift = by % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

export async function runSuite(options: SuiteOptions): Promise<SuiteResults> {
  if (options.targets.includes('relay') && !existsSync(RELAY_CLI)) {
    throw new Error(`${RELAY_CLI} is missing: run \`npm run build\` first (npm run bench does)`);
  }
  await bundleBenchPrograms();
  const cores = options.pin ? pinningCores() : { unavailable: 'pinning turned off (--no-pin)' };
  const pinned = 'server' in cores;
  const placement = pinned
    ? `server pinned to CPU ${cores.server}, generator (${options.workers} worker threads) pinned to CPU ${cores.generator} (taskset)`
    : `not pinned: ${cores.unavailable}`;
  options.log(`placement: ${placement}`);
  const results: SuiteResults = {
    startedAt: new Date().toISOString(),
    revision: revision(),
    quick: options.quick,
    workers: options.workers,
    machine: {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      kernel: release(),
      node: process.version,
      placement,
    },
    specs: {},
    records: [],
  };

  for (const scenario of options.scenarios) {
    const spec = scenarioSpec(scenario, options.quick, options.overrides);
    results.specs[scenario] = spec;
    if (spec.kind === 'cluster') {
      results.cluster = await runClusterScenario(spec, {
        targets: options.targets,
        runs: options.runs ?? defaultRuns(scenario, options.quick),
        workers: options.workers,
        cores: 'server' in cores ? cores : undefined,
        log: options.log,
      });
      continue;
    }
    const openFiles = peakClients(spec);
    const runs = options.runs ?? defaultRuns(scenario, options.quick);
    for (let run = 1; run <= runs; run++) {
      // A different target goes first in each run, so slow drift on the machine hits each alike.
      for (const target of rotate(options.targets, run - 1)) {
        if (!runsAgainst(scenario, target)) {
          if (run === 1) options.log(`[${scenario}] ${target}: skipped, its benchmark client cannot be in several channels`);
          continue;
        }
        const record: RunRecord = { scenario, target, run, loadAverage: loadavg()[0]! };
        const server = await startTarget(target, {
          placement: { core: pinned ? cores.server : undefined, openFiles },
          inspect: spec.kind === 'idle',
          ...(options.profileDir ? { profile: { dir: options.profileDir, name: `${target}-${scenario}-run${run}` } } : {}),
        }).catch((error: unknown) => {
          record.error = error instanceof Error ? error.message : String(error);
          return undefined;
        });
        if (server) {
          const generator = startGenerator(
            {
              target,
              urls: [server.url],
              servers: { nodes: [server.pid] },
              serverInspectorUrl: server.inspectorUrl,
              reconnect: false,
              workers: options.workers,
              scenario: spec,
            },
            { core: pinned ? cores.generator : undefined, openFiles },
          );
          try {
            record.figures = await generator.figures;
            record.peakRssKiB = server.peakRssKiB();
          } catch (error) {
            record.error = error instanceof Error ? error.message : String(error);
          } finally {
            await server.stop();
            await generator.exit();
          }
        }
        results.records.push(record);
        options.log(`[${scenario} run ${run}/${runs}] ${target}: ${summarizeRecord(record)}`);
      }
    }
  }
  return results;
}

/**
 * Whether the per-target loop runs a scenario against a target: the channels scenario needs a
 * client in several channels at once; the cluster scenario is never run there, but by
 * cluster-suite.ts, which starts several nodes per target and keeps its records apart.
 */
export function runsAgainst(scenario: ScenarioName, target: TargetName): boolean {
  if (scenario === 'cluster') return false;
  return scenario !== 'channels' || ADAPTERS[target].channels === true;
}
