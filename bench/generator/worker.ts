/** A generator worker thread: owns a share of the clients and runs commands from the main thread. */
import { parentPort, workerData } from 'node:worker_threads';
import { ADAPTERS } from '../adapters';
import { ClientPool } from './client-pool';
import { ProblemLog } from './problem-log';
import { TrafficRun } from './traffic-run';
import type { WorkerCommand, WorkerReply, WorkerSetup } from './worker-protocol';

const setup = workerData as WorkerSetup;
const port = parentPort;
if (!port) throw new Error('generator-worker must run as a worker thread');

const problems = new ProblemLog();
const pool = new ClientPool(ADAPTERS[setup.target], setup, problems);
let traffic: TrafficRun | undefined;

function currentTraffic(): TrafficRun {
  if (!traffic) throw new Error('no traffic phase has started');
  return traffic;
}

async function handle(command: WorkerCommand): Promise<WorkerReply> {
  switch (command.kind) {
    case 'connect':
      return { ...(await pool.connect(command)), problems: problems.take() };
    case 'traffic':
      traffic = new TrafficRun(command.plan, pool.readyClients(), problems);
      pool.sink = traffic;
      traffic.start();
      return { kind: 'started' };
    case 'stop':
      return { kind: 'stopped', sent: currentTraffic().stop() };
    case 'finish':
      return { ...(await currentTraffic().finish(command.sent, command.quietMs, command.maxDrainMs)), reconnects: pool.takeReconnects(), problems: problems.take() };
    case 'frames':
      return { kind: 'frames', count: pool.frames };
  }
}

port.on('message', (command: WorkerCommand) => {
  handle(command).then(
    (reply) => port.postMessage(reply),
    (error: unknown) => port.postMessage({ kind: 'failed', error: error instanceof Error ? error.message : String(error) } satisfies WorkerReply),
  );
});
