/**
 * The benchmark's --quick smoke run: every target through every scenario with tiny C. It checks
 * that each one ran and moved messages, and that Relay Chat delivered each exactly once; it never
 * checks a speed. Needs `npm run build` first (npm test does that).
 */
import assert from 'node:assert/strict';
import { relayIntegrityAlarms } from '../../bench/report';
import { SCENARIO_NAMES } from '../../bench/scenarios';
import { runsAgainst, runSuite, type SuiteResults } from '../../bench/suite';
import { TARGET_NAMES } from '../../bench/targets/names';
import type { ScenarioFigures } from '../../bench/generator/job';

/** Deliveries the figures show, whatever the scenario; joins count for the scenarios without traffic. */
function activity(figures: ScenarioFigures): number {
  switch (figures.kind) {
    case 'traffic':
      return figures.deliveries;
    case 'maxclients':
      return figures.steps.reduce((sum, step) => sum + (step.traffic?.deliveries ?? 0), 0);
    case 'storm':
      return figures.ready;
    case 'idle':
      return figures.connections;
  }
}

describe('benchmark --quick smoke run', function () {
  this.timeout(120_000);
  let results: SuiteResults;
  const log: string[] = [];

  before(async () => {
    results = await runSuite({
      scenarios: [...SCENARIO_NAMES],
      targets: [...TARGET_NAMES],
      quick: true,
      overrides: {},
      workers: 2,
      pin: true,
      log: (line) => log.push(line),
    });
  });

  for (const scenario of SCENARIO_NAMES) {
    for (const target of TARGET_NAMES.filter((name) => runsAgainst(scenario, name))) {
      it(`${scenario} ran against ${target} and moved messages`, () => {
        const record = results.records.find((r) => r.scenario === scenario && r.target === target);
        assert.ok(record, `no ${scenario} run for ${target}; log:\n${log.join('\n')}`);
        assert.equal(record.error, undefined, `${scenario}/${target} failed: ${record.error}`);
        assert.ok(record.figures && activity(record.figures) > 0, `${scenario}/${target} produced nothing: ${JSON.stringify(record.figures)}`);
        assert.ok((record.peakRssKiB ?? 0) > 0, 'the server peak RSS was not read');
      });
    }
  }

  it('Relay Chat lost, duplicated and misdelivered nothing', () => {
    assert.deepEqual(relayIntegrityAlarms(results), []);
    const relayTraffic = results.records.filter((r) => r.target === 'relay' && r.figures?.kind === 'traffic');
    assert.equal(relayTraffic.length, 4, 'fanout, saturation, private and channels each ran once against Relay');
  });
});
