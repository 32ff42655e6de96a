/** The `npm run bench -- ...` flags (documented in bench/README.md). */
import { parseArgs } from 'node:util';
import { SCENARIO_NAMES, type ScenarioName, type ScenarioOverrides } from './scenarios';
import { TARGET_NAMES, type TargetName } from './targets/names';

export const USAGE = `Usage: npm run bench -- [options]

  --scenario LIST   ${SCENARIO_NAMES.join(',')} (default: all)
  --target LIST     ${TARGET_NAMES.join(',')} (default: all)
  --runs N          runs per scenario (default 2, saturation 3; 1 with --quick)
  --quick           smoke mode: every scenario, tiny C, about a second per phase
  --clients N       C for fanout/saturation/private/storm, N for idle
  --steps LIST      client counts for maxclients, e.g. 250,500,1000
  --duration S      measured seconds per traffic phase
  --warmup S        warm-up seconds before each measurement
  --workers N       generator worker threads (default 2)
  --no-pin          do not pin server and generator to their own cores
  --profile DIR     write a V8 CPU profile of every server run into DIR
  --out DIR         also write DIR/results.json and DIR/p95-vs-clients.svg
  --from FILE       print the tables (and --out files) from a saved results.json, run nothing
  --help            show this help`;

export class UsageError extends Error {}

export interface BenchOptions {
  help: boolean;
  scenarios: ScenarioName[];
  targets: TargetName[];
  runs: number | undefined;
  quick: boolean;
  overrides: ScenarioOverrides;
  workers: number;
  pin: boolean;
  profileDir: string | undefined;
  outDir: string | undefined;
  fromFile: string | undefined;
}

function list<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T[] {
  if (value === undefined) return [...allowed];
  const items = value.split(',').map((item) => item.trim());
  for (const item of items) {
    if (!allowed.includes(item as T)) throw new UsageError(`${flag}: unknown "${item}"; choose from ${allowed.join(', ')}`);
  }
  return items as T[];
}

function positiveNumber(value: string | undefined, flag: string, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0 || (integer && !Number.isInteger(number))) {
    throw new UsageError(`${flag} needs a positive ${integer ? 'whole number' : 'number'}, got "${value}"`);
  }
  return number;
}

export function parseBenchArgs(argv: string[]): BenchOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        scenario: { type: 'string' },
        target: { type: 'string' },
        runs: { type: 'string' },
        quick: { type: 'boolean' },
        clients: { type: 'string' },
        steps: { type: 'string' },
        duration: { type: 'string' },
        warmup: { type: 'string' },
        workers: { type: 'string' },
        'no-pin': { type: 'boolean' },
        profile: { type: 'string' },
        out: { type: 'string' },
        from: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const steps = values.steps?.split(',').map((step) => positiveNumber(step.trim(), '--steps', true)!);
  const clients = positiveNumber(values.clients, '--clients', true);
  const durationSec = positiveNumber(values.duration, '--duration', false);
  const warmupSec = positiveNumber(values.warmup, '--warmup', false);
  return {
    help: values.help ?? false,
    scenarios: list(values.scenario, SCENARIO_NAMES, '--scenario'),
    targets: list(values.target, TARGET_NAMES, '--target'),
    runs: positiveNumber(values.runs, '--runs', true),
    quick: values.quick ?? false,
    overrides: {
      ...(clients !== undefined ? { clients } : {}),
      ...(steps ? { steps } : {}),
      ...(durationSec !== undefined ? { durationSec } : {}),
      ...(warmupSec !== undefined ? { warmupSec } : {}),
    },
    workers: positiveNumber(values.workers, '--workers', true) ?? 2,
    pin: !values['no-pin'],
    profileDir: values.profile,
    outDir: values.out,
    fromFile: values.from,
  };
}
