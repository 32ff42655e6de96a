/**
 * The load generator process (pinned to its own core by the runner). It gets one job over IPC,
 * runs it with its worker threads and answers with the figures. It exits when the runner
 * disconnects, which the runner does after stopping the server, so closing thousands of clients
 * costs the measurement nothing.
 */
import type { GeneratorJob, GeneratorReply } from './job';
import { runScenario } from './run-scenario';

const send = process.send?.bind(process);
if (!send) {
  console.error('the generator is started by bench/run.ts (it needs an IPC channel); run `npm run bench`');
  process.exit(2);
}

process.once('message', (job: GeneratorJob) => {
  runScenario(job).then(
    (figures) => send({ ok: true, figures } satisfies GeneratorReply),
    (error: unknown) => send({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies GeneratorReply),
  );
});
process.on('disconnect', () => process.exit(0));
