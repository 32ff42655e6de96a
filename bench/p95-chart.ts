/** The docs' plot: p95 delivery latency against connected clients (max-clients scenario), per target. */
import { spread } from './stats';
import type { SuiteResults } from './suite';
import { renderLineChart } from './svg-chart';
import { TARGET_LABELS, TARGET_NAMES } from './targets/names';

/** SVG of median p95 per step, or undefined when the results hold no max-clients runs. */
export function p95AgainstClientsSvg(results: SuiteResults): string | undefined {
  const spec = results.specs.maxclients;
  if (!spec || spec.kind !== 'maxclients') return undefined;
  const series = TARGET_NAMES.map((target) => {
    const steps = results.records.flatMap((record) =>
      record.target === target && record.figures?.kind === 'maxclients' ? record.figures.steps : [],
    );
    const clients = [...new Set(steps.map((step) => step.clients))];
    const points = clients.flatMap((c): Array<[number, number]> => {
      const p95 = spread(steps.flatMap((step) => (step.clients === c && step.traffic ? [step.traffic.latency.p95] : [])));
      return p95 ? [[c, p95.median]] : [];
    });
    return { name: TARGET_LABELS[target], points };
  }).filter((s) => s.points.length > 0);
  if (series.length === 0) return undefined;
  return renderLineChart({
    title: `p95 delivery latency vs clients (${spec.senders} senders × ${spec.perSecond} msg/s)`,
    xLabel: 'connected clients',
    yLabel: 'p95 latency, ms (log scale)',
    series,
    threshold: { y: spec.p95LimitMs, label: `limit ${spec.p95LimitMs} ms` },
  });
}
