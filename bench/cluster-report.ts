/**
 * The cluster scenario's tables: per target and node count, deliveries/s, latency, exactly-once
 * counts and server CPU per delivery (the nodes' sum, with PostgreSQL and Redis apart); the cost
 * of crossing nodes as CPU per delivery over the same target's 1-node figure; and the kill run.
 */
import type { TrafficFigures } from './generator/job';
import { CLUSTER_TARGETS, describeConfiguration, type ClusterRecord, type ClusterResults, type ClusterTarget } from './cluster-suite';
import { spread, type Spread } from './stats';
import { cell, count, fixed, ms, ratioCell, table } from './table-format';

/** The targets as they run here: on PostgreSQL and Redis, not as in the single-node tables. */
const CLUSTER_LABELS: Record<ClusterTarget, string> = {
  relay: 'Relay Chat (PostgreSQL + Redis)',
  socketio: 'Socket.IO 4 + redis-adapter',
};

interface ClusterColumn {
  header: string;
  value(figures: TrafficFigures, record: ClusterRecord): number;
  format(value: number): string;
}

function perDelivery(seconds: (figures: TrafficFigures) => number): (figures: TrafficFigures) => number {
  return (figures) => (figures.deliveries > 0 ? (seconds(figures) * 1e6) / figures.deliveries : 0);
}

const postgresCpu = (figures: TrafficFigures): number => figures.cluster?.postgresCpuSec ?? 0;
const redisCpu = (figures: TrafficFigures): number => figures.cluster?.redisCpuSec ?? 0;
const nodesCpuPerDelivery = (figures: TrafficFigures): number => figures.cpuUsPerDelivery;
const allCpuPerDelivery = perDelivery((figures) => figures.serverCpuSec + postgresCpu(figures) + redisCpu(figures));

const COLUMNS: ClusterColumn[] = [
  { header: 'deliveries/s', value: (f) => f.deliveriesPerSec, format: count },
  { header: 'p50 ms', value: (f) => f.latency.p50, format: ms },
  { header: 'p99 ms', value: (f) => f.latency.p99, format: ms },
  { header: 'lost', value: (f) => f.lost, format: count },
  { header: 'dup', value: (f) => f.duplicated, format: count },
  { header: 'nodes CPU µs/delivery', value: nodesCpuPerDelivery, format: fixed(2) },
  { header: 'PostgreSQL µs/delivery', value: perDelivery(postgresCpu), format: fixed(2) },
  { header: 'Redis µs/delivery', value: perDelivery(redisCpu), format: fixed(2) },
  { header: 'all server-side µs/delivery', value: allCpuPerDelivery, format: fixed(2) },
  { header: 'reconnects', value: (f) => f.cluster?.reconnects ?? 0, format: count },
  { header: 'generator CPU %', value: (f) => f.generatorCpuPercent, format: fixed(0) },
  { header: 'other CPU %', value: (f) => f.otherCpuPercent, format: fixed(0) },
  { header: 'load avg', value: (_, record) => record.loadAverage, format: fixed(1) },
];

interface Row {
  target: ClusterTarget;
  nodes: number;
  kill: boolean;
  values: Array<Spread | undefined>;
}

function rows(results: ClusterResults): Row[] {
  const keys = new Map<string, ClusterRecord[]>();
  for (const record of results.records) {
    const key = `${record.target}/${record.nodes}/${record.kill}`;
    keys.set(key, [...(keys.get(key) ?? []), record]);
  }
  return CLUSTER_TARGETS.flatMap((target) =>
    [...keys.values()]
      .filter((records) => records[0]!.target === target)
      .sort((a, b) => Number(a[0]!.kill) - Number(b[0]!.kill) || a[0]!.nodes - b[0]!.nodes)
      .map((records) => {
        const measured = records.flatMap((record) => (record.figures ? [{ record, figures: record.figures }] : []));
        return {
          target,
          nodes: records[0]!.nodes,
          kill: records[0]!.kill,
          values: COLUMNS.map((column) => spread(measured.map(({ figures, record }) => column.value(figures, record)))),
        };
      }),
  );
}

const NODES_CPU = COLUMNS.findIndex((column) => column.value === nodesCpuPerDelivery);
const ALL_CPU = COLUMNS.findIndex((column) => column.value === allCpuPerDelivery);
const P99 = COLUMNS.findIndex((column) => column.header === 'p99 ms');

export function clusterTables(results: ClusterResults): string {
  if (results.skipped) return `Skipped: ${results.skipped}.`;
  const all = rows(results);
  const main = table(
    ['Target', 'nodes', ...COLUMNS.map((column) => column.header)],
    all.map((row) => [CLUSTER_LABELS[row.target], describeConfiguration(row), ...COLUMNS.map((column, i) => cell(row.values[i], column.format))]),
  );
  const crossing = all.filter((row) => !row.kill);
  const ratios = table(
    ['Cost of crossing nodes, over the same target on 1 node', 'nodes', 'nodes CPU µs/delivery', 'all server-side µs/delivery', 'p99'],
    crossing.map((row) => {
      const single = crossing.find((other) => other.target === row.target && other.nodes === 1);
      return [CLUSTER_LABELS[row.target], describeConfiguration(row), ratioCell(row.values[NODES_CPU], single?.values[NODES_CPU]), ratioCell(row.values[ALL_CPU], single?.values[ALL_CPU]), ratioCell(row.values[P99], single?.values[P99])];
    }),
  );
  const killed = CLUSTER_TARGETS.flatMap((target) => results.records.filter((record) => record.target === target && record.kill && record.figures).sort((a, b) => a.run - b.run));
  const kill = killed.length
    ? table(
        ['Kill run', 'run', 'deliveries expected', 'lost', 'dup', 'lost %', 'reconnects'],
        killed.map(({ target, run, figures }) => [
          CLUSTER_LABELS[target],
          String(run),
          count(figures!.expected),
          count(figures!.lost),
          count(figures!.duplicated),
          `${fixed(3)(figures!.expected > 0 ? (figures!.lost / figures!.expected) * 100 : 0)} %`,
          count(figures!.cluster?.reconnects ?? 0),
        ]),
      )
    : '';
  const problems = results.records.flatMap((record) => {
    const where = `${CLUSTER_LABELS[record.target]}, ${describeConfiguration(record)}, run ${record.run}`;
    if (record.error) return [`- FAILED (${where}): ${record.error.split('\n')[0]}`];
    return (record.figures?.problems ?? []).map((problem) => `- ${where}: ${problem}`);
  });
  return [main, ratios, ...(kill ? [kill] : []), ...(problems.length ? [['Problems seen:', ...problems].join('\n')] : [])].join('\n\n');
}

/** Every place Relay Chat lost, duplicated or misdelivered a message in the cluster scenario. */
export function clusterRelayAlarms(results: ClusterResults | undefined): string[] {
  return (results?.records ?? []).flatMap(({ target, figures, run, ...record }) =>
    target === 'relay' && figures && (figures.lost || figures.duplicated || figures.unexpected)
      ? [`RELAY CHAT cluster (${describeConfiguration(record)}) run ${run}: ${figures.lost} lost, ${figures.duplicated} duplicated, ${figures.unexpected} misdelivered deliveries`]
      : [],
  );
}

/** One line per finished configuration, for progress output. */
export function summarizeClusterRecord(record: ClusterRecord): string {
  if (record.error) return `FAILED: ${record.error}`;
  const figures = record.figures!;
  return `${count(figures.deliveriesPerSec)} deliveries/s, p99 ${ms(figures.latency.p99)} ms, lost ${figures.lost}, dup ${figures.duplicated}, nodes ${fixed(2)(figures.cpuUsPerDelivery)} + PostgreSQL ${fixed(2)(perDelivery(postgresCpu)(figures))} + Redis ${fixed(2)(perDelivery(redisCpu)(figures))} µs CPU/delivery, reconnects ${figures.cluster?.reconnects ?? 0}, generator CPU ${fixed(0)(figures.generatorCpuPercent)}%, other CPU ${fixed(0)(figures.otherCpuPercent)}%`;
}
