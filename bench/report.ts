/**
 * Turns suite results into Markdown tables (readable on a terminal, pasteable into
 * docs/benchmarks.md): per scenario, the median over runs with its spread, then every figure as
 * a ratio to the minimal relay.
 */
import type { IdleFigures, MaxClientsFigures, ScenarioFigures, StormFigures, TrafficFigures } from './generator/job';
import { SCENARIO_DESCRIPTIONS, SCENARIO_NAMES, type ScenarioName, type ScenarioSpec } from './scenarios';
import { spread } from './stats';
import { clusterRelayAlarms, clusterTables } from './cluster-report';
import { cell, count, fixed, ms, ratioCell, table } from './table-format';
import type { RunRecord, SuiteResults } from './suite';
import { RELAY_RATE_LIMIT } from './targets/launch-target';
import { BASELINE_TARGET, TARGET_LABELS, TARGET_NAMES, type TargetName } from './targets/names';

type Kind = ScenarioFigures['kind'];
type FiguresOf<K extends Kind> = Extract<ScenarioFigures, { kind: K }>;

interface Column<F> {
  header: string;
  value(figures: F, record: RunRecord): number | undefined;
  format(value: number): string;
  /** Whether a ratio to the minimal relay means something for this figure. */
  ratio: boolean;
}

const KIB_PER_MIB = 1024;

function recordsOf<K extends Kind>(results: SuiteResults, scenario: ScenarioName, target: TargetName, kind: K): Array<{ record: RunRecord; figures: FiguresOf<K> }> {
  return results.records.flatMap((record) =>
    record.scenario === scenario && record.target === target && record.figures?.kind === kind ? [{ record, figures: record.figures as FiguresOf<K> }] : [],
  );
}

function targetsIn(results: SuiteResults, scenario: ScenarioName): TargetName[] {
  return TARGET_NAMES.filter((target) => results.records.some((record) => record.scenario === scenario && record.target === target));
}

function columnTables<K extends Kind>(results: SuiteResults, scenario: ScenarioName, kind: K, columns: Array<Column<FiguresOf<K>>>): string {
  const targets = targetsIn(results, scenario);
  const spreads = new Map(
    targets.map((target) => {
      const runs = recordsOf(results, scenario, target, kind);
      const values = columns.map((column) => spread(runs.flatMap(({ figures, record }) => column.value(figures, record) ?? [])));
      return [target, values] as const;
    }),
  );
  const main = table(
    ['Target', ...columns.map((column) => column.header)],
    targets.map((target) => [TARGET_LABELS[target], ...columns.map((column, i) => cell(spreads.get(target)![i], column.format))]),
  );
  const baseline = spreads.get(BASELINE_TARGET);
  if (!baseline || targets.length < 2) return main;
  const ratioColumns = columns.map((column, i) => ({ column, i })).filter(({ column }) => column.ratio);
  const ratios = table(
    ['Ratio to minimal relay', ...ratioColumns.map(({ column }) => column.header)],
    targets
      .filter((target) => target !== BASELINE_TARGET)
      .map((target) => [TARGET_LABELS[target], ...ratioColumns.map(({ i }) => ratioCell(spreads.get(target)![i], baseline[i]))]),
  );
  return `${main}\n\n${ratios}`;
}

const peakRss: Column<ScenarioFigures> = { header: 'server peak RSS MiB', value: (_, record) => (record.peakRssKiB ?? 0) / KIB_PER_MIB, format: fixed(0), ratio: true };

const TRAFFIC_COLUMNS: Array<Column<TrafficFigures>> = [
  { header: 'deliveries/s', value: (f) => f.deliveriesPerSec, format: count, ratio: true },
  { header: 'p50 ms', value: (f) => f.latency.p50, format: ms, ratio: true },
  { header: 'p95 ms', value: (f) => f.latency.p95, format: ms, ratio: true },
  { header: 'p99 ms', value: (f) => f.latency.p99, format: ms, ratio: true },
  { header: 'max ms', value: (f) => f.latency.max, format: ms, ratio: true },
  { header: 'lost', value: (f) => f.lost, format: count, ratio: false },
  { header: 'dup', value: (f) => f.duplicated, format: count, ratio: false },
  { header: 'server CPU s', value: (f) => f.serverCpuSec, format: fixed(2), ratio: true },
  { header: 'server CPU µs/delivery', value: (f) => f.cpuUsPerDelivery, format: fixed(2), ratio: true },
  peakRss,
  { header: 'generator CPU %', value: (f) => f.generatorCpuPercent, format: fixed(0), ratio: false },
  { header: 'other CPU %', value: (f) => f.otherCpuPercent, format: fixed(0), ratio: false },
];

const STORM_COLUMNS: Array<Column<StormFigures>> = [
  { header: 'ready', value: (f) => f.ready, format: count, ratio: false },
  { header: 'failed', value: (f) => f.failed, format: count, ratio: false },
  { header: 'all ready s', value: (f) => f.allReadySec, format: fixed(2), ratio: true },
  { header: 'connect→ready p50 ms', value: (f) => f.connectToReady.p50, format: ms, ratio: true },
  { header: 'p95 ms', value: (f) => f.connectToReady.p95, format: ms, ratio: true },
  { header: 'p99 ms', value: (f) => f.connectToReady.p99, format: ms, ratio: true },
  { header: 'max ms', value: (f) => f.connectToReady.max, format: ms, ratio: true },
  { header: 'hello→welcome p99 ms', value: (f, record) => (record.target === 'relay' ? f.requestToReady.p99 : undefined), format: ms, ratio: false },
  { header: 'listen queue overflows', value: (f) => f.listenOverflows, format: count, ratio: false },
  { header: 'server CPU s', value: (f) => f.serverCpuSec, format: fixed(2), ratio: true },
  peakRss,
  { header: 'generator CPU s', value: (f) => f.generatorCpuSec, format: fixed(2), ratio: false },
];

const MAX_CLIENTS_COLUMNS: Array<Column<MaxClientsFigures>> = [
  { header: 'max clients held', value: (f) => f.maxClients, format: count, ratio: true },
  { header: 'p95 ms there', value: (f) => f.steps.find((step) => step.clients === f.maxClients)?.traffic?.latency.p95, format: ms, ratio: true },
  { header: 'server CPU µs/delivery there', value: (f) => f.steps.find((step) => step.clients === f.maxClients)?.traffic?.cpuUsPerDelivery, format: fixed(2), ratio: true },
  peakRss,
];

const IDLE_COLUMNS: Array<Column<IdleFigures>> = [
  { header: 'connections', value: (f) => f.connections, format: count, ratio: false },
  { header: 'baseline RSS MiB', value: (f) => f.baselineRssKiB / KIB_PER_MIB, format: fixed(1), ratio: true },
  { header: 'RSS with N MiB', value: (f) => f.idleRssKiB / KIB_PER_MIB, format: fixed(1), ratio: true },
  { header: 'KiB per connection', value: (f) => f.bytesPerConnection / 1024, format: fixed(2), ratio: true },
  { header: 'KiB per connection before GC', value: (f) => f.bytesPerConnectionBeforeGc / 1024, format: fixed(2), ratio: true },
  { header: 'connect s', value: (f) => f.connectSec, format: fixed(1), ratio: true },
  { header: 'server CPU s (joins)', value: (f) => f.serverCpuSec, format: fixed(2), ratio: true },
];

/** p95 per step, median over runs, with the steps that failed marked. */
function maxClientsSteps(results: SuiteResults): string {
  const targets = targetsIn(results, 'maxclients');
  const steps = new Set<number>();
  const byTarget = new Map(targets.map((target) => [target, recordsOf(results, 'maxclients', target, 'maxclients')]));
  for (const runs of byTarget.values()) for (const { figures } of runs) for (const step of figures.steps) steps.add(step.clients);
  const rows = [...steps]
    .sort((a, b) => a - b)
    .map((clients) => [
      count(clients),
      ...targets.map((target) => {
        const found = byTarget.get(target)!.flatMap(({ figures }) => figures.steps.filter((step) => step.clients === clients));
        if (found.length === 0) return '–';
        const traffic = found.flatMap((step) => step.traffic ?? []);
        const p95 = spread(traffic.map((figures) => figures.latency.p95));
        const generator = spread(traffic.map((figures) => figures.generatorCpuPercent));
        const other = spread(traffic.map((figures) => figures.otherCpuPercent));
        const failed = found.filter((step) => !step.held).length;
        const load = generator ? ` (gen ${fixed(0)(generator.median)}%, other ${fixed(0)(other!.median)}%)` : '';
        return `${cell(p95, ms)}${load}${failed ? ` failed ${failed}/${found.length}: ${found.find((step) => step.failure)?.failure}` : ''}`;
      }),
    ]);
  return table(['C', ...targets.map((target) => `${TARGET_LABELS[target]} p95 ms`)], rows);
}

function describeSpec(spec: ScenarioSpec): string {
  switch (spec.kind) {
    case 'traffic': {
      const sending = spec.send.kind === 'rate' ? `${spec.send.perSecond} msg/s each` : `window of ${spec.send.size} in flight each`;
      return `C = ${spec.clients}, ${spec.senders} senders, ${sending}, warm-up ${spec.warmupMs / 1000} s, measured ${spec.measureMs / 1000} s`;
    }
    case 'storm':
      return `C = ${spec.clients}, all started at the same instant`;
    case 'maxclients':
      return `steps ${spec.steps.join(', ')}; ${spec.senders} senders × ${spec.perSecond} msg/s; warm-up ${spec.warmupMs / 1000} s, measured ${spec.measureMs / 1000} s per step; limit p95 ≤ ${spec.p95LimitMs} ms`;
    case 'idle':
      return `N = ${spec.connections}; each RSS is read ${spec.settleMs / 1000} s after a full GC forced through the server's inspector (before any connection, and once traffic has settled with N)`;
    case 'cluster':
      return `${spec.nodeCounts.join(', ')} node(s)${spec.killRunNodes ? `, then a kill run on ${spec.killRunNodes}` : ''}; each: ${describeSpec(spec.traffic)}`;
  }
}

function scenarioTables(results: SuiteResults, scenario: ScenarioName): string {
  switch (scenario) {
    case 'fanout':
    case 'saturation':
    case 'private':
    case 'channels':
      return columnTables(results, scenario, 'traffic', TRAFFIC_COLUMNS);
    case 'storm':
      return columnTables(results, scenario, 'storm', STORM_COLUMNS);
    case 'maxclients':
      return `${columnTables(results, scenario, 'maxclients', MAX_CLIENTS_COLUMNS)}\n\n${maxClientsSteps(results)}`;
    case 'idle':
      return columnTables(results, scenario, 'idle', IDLE_COLUMNS);
    case 'cluster':
      return results.cluster ? clusterTables(results.cluster) : 'Not run.';
  }
}

function notes(results: SuiteResults, scenario: ScenarioName): string[] {
  return results.records
    .filter((record) => record.scenario === scenario)
    .flatMap((record) => {
      const where = `${TARGET_LABELS[record.target]}, run ${record.run}`;
      if (record.error) return [`- FAILED (${where}): ${record.error.split('\n')[0]}`];
      return (record.figures?.problems ?? []).map((problem) => `- ${where}: ${problem}`);
    });
}

/** Every place Relay Chat lost, duplicated or misdelivered a message: must be empty. */
export function relayIntegrityAlarms(results: SuiteResults): string[] {
  const alarms: string[] = [];
  for (const record of results.records) {
    if (record.target !== 'relay' || !record.figures) continue;
    const traffic: TrafficFigures[] =
      record.figures.kind === 'traffic' ? [record.figures] : record.figures.kind === 'maxclients' ? record.figures.steps.flatMap((step) => step.traffic ?? []) : [];
    for (const figures of traffic) {
      if (figures.lost || figures.duplicated || figures.unexpected) {
        alarms.push(
          `RELAY CHAT ${record.scenario} run ${record.run} (C = ${figures.clients}): ${figures.lost} lost, ${figures.duplicated} duplicated, ${figures.unexpected} misdelivered deliveries`,
        );
      }
    }
  }
  return [...alarms, ...clusterRelayAlarms(results.cluster)];
}

export function renderReport(results: SuiteResults): string {
  const { machine } = results;
  const sections = SCENARIO_NAMES.filter((scenario) => results.specs[scenario]).map((scenario) => {
    const records: Array<{ run: number; loadAverage: number }> =
      scenario === 'cluster' ? (results.cluster?.records ?? []) : results.records.filter((record) => record.scenario === scenario);
    const runs = Math.max(1, ...records.map((record) => record.run));
    const load = spread(records.map((record) => record.loadAverage));
    const problemNotes = notes(results, scenario);
    return [
      `### ${scenario}`,
      '',
      SCENARIO_DESCRIPTIONS[scenario],
      '',
      `${describeSpec(results.specs[scenario]!)}; ${runs} run${runs > 1 ? 's' : ''} per target${runs > 1 ? ', cells are median [min–max]' : ''}. Machine load average (1 min) when runs started: ${cell(load, fixed(1))}.`,
      '',
      scenarioTables(results, scenario),
      ...(problemNotes.length ? ['', 'Problems seen:', ...problemNotes] : []),
    ].join('\n');
  });
  return [
    `Relay Chat benchmark${results.quick ? ' (--quick smoke: tiny C, a second per phase; the numbers mean nothing)' : ''}, ${results.startedAt}, revision ${results.revision}`,
    '',
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Linux ${machine.kernel}, Node ${machine.node}. ${machine.placement}; ${results.workers} generator worker threads.`,
    `Relay Chat runs with its SQLite store on and --rate-burst ${RELAY_RATE_LIMIT.burst} --rate-per-second ${RELAY_RATE_LIMIT.perSecond}, so the per-connection rate limiter never fires, and with its pending-connection caps raised the same way (all clients come from 127.0.0.1): this measures relaying, not the limiters.`,
    'Latency is from the sender handing a message to its socket to a receiver handling it (shared monotonic clock). CPU figures are the server process over the measurement window; "generator CPU %" near 100 means the load generator, not the server, was the limit; "other CPU %" is what the rest of the machine used meanwhile (other people\'s work on a shared machine, plus kernel network work not charged to a process): high values mean a noisy run.',
    '',
    ...sections.flatMap((section) => [section, '']),
  ].join('\n');
}

/** One line per finished run, for progress output. */
export function summarizeRecord(record: RunRecord): string {
  if (record.error) return `FAILED: ${record.error}`;
  const figures = record.figures!;
  switch (figures.kind) {
    case 'traffic':
      return `${count(figures.deliveriesPerSec)} deliveries/s, p99 ${ms(figures.latency.p99)} ms, lost ${figures.lost}, dup ${figures.duplicated}, server ${fixed(2)(figures.cpuUsPerDelivery)} µs CPU/delivery, generator CPU ${fixed(0)(figures.generatorCpuPercent)}%`;
    case 'storm':
      return `${figures.ready}/${figures.clients} ready in ${fixed(2)(figures.allReadySec)} s, connect→ready p99 ${ms(figures.connectToReady.p99)} ms`;
    case 'maxclients':
      return `held ${figures.maxClients} clients (${figures.steps.map((step) => `${step.clients}: ${step.traffic ? `${ms(step.traffic.latency.p95)} ms` : step.failure}`).join(', ')})`;
    case 'idle':
      return `${figures.connections} idle connections, ${fixed(2)(figures.bytesPerConnection / 1024)} KiB each (${fixed(2)(figures.bytesPerConnectionBeforeGc / 1024)} before GC), joined in ${fixed(1)(figures.connectSec)} s`;
  }
}
