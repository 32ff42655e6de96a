/** `npm run bench`: runs the suite (or reloads saved results) and prints the tables. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseBenchArgs, UsageError, USAGE } from './options';
import { p95AgainstClientsSvg } from './p95-chart';
import { relayIntegrityAlarms, renderReport } from './report';
import { lockMeasuredRun } from './run-lock';
import { runSuite, type SuiteResults } from './suite';

async function main(): Promise<void> {
  const options = parseBenchArgs(process.argv.slice(2));
  if (options.help) {
    console.log(USAGE);
    return;
  }
  if (options.profileDir) mkdirSync(options.profileDir, { recursive: true });
  const log = (line: string): void => console.error(line);
  // A smoke run measures nothing, so it need not wait (nor make anyone wait).
  const release = options.quick || options.fromFile ? undefined : await lockMeasuredRun(log);
  const results: SuiteResults = options.fromFile
    ? (JSON.parse(readFileSync(options.fromFile, 'utf8')) as SuiteResults)
    : await runSuite({
        scenarios: options.scenarios,
        targets: options.targets,
        ...(options.runs !== undefined ? { runs: options.runs } : {}),
        quick: options.quick,
        overrides: options.overrides,
        workers: options.workers,
        pin: options.pin,
        ...(options.profileDir ? { profileDir: path.resolve(options.profileDir) } : {}),
        log,
      });
  release?.();

  console.log(renderReport(results));
  const alarms = relayIntegrityAlarms(results);
  if (alarms.length > 0) {
    const bar = '!'.repeat(78);
    console.log([bar, '!!! RELAY CHAT DID NOT DELIVER EVERY MESSAGE EXACTLY ONCE', ...alarms.map((alarm) => `!!! ${alarm}`), bar].join('\n'));
    process.exitCode = 1;
  }
  if (results.records.some((record) => record.error)) process.exitCode = 1;

  if (options.outDir) {
    mkdirSync(options.outDir, { recursive: true });
    if (!options.fromFile) writeFileSync(path.join(options.outDir, 'results.json'), `${JSON.stringify(results, null, 1)}\n`);
    const svg = p95AgainstClientsSvg(results);
    if (svg) writeFileSync(path.join(options.outDir, 'p95-vs-clients.svg'), svg);
    const written = [...(options.fromFile ? [] : ['results.json']), ...(svg ? ['p95-vs-clients.svg'] : [])];
    console.error(`wrote ${written.join(' and ') || 'nothing'} in ${options.outDir}`);
  }
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`bench: ${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  console.error(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
