/** Starts the load generator as a pinned child process and hands it one job over IPC. */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { GeneratorJob, GeneratorReply, ScenarioFigures } from './generator/job';
import { benchBundle } from './paths';
import { placedCommand, type Placement } from './placement';

const EXIT_TIMEOUT_MS = 10_000;
const STDERR_TAIL_LINES = 30;

export interface GeneratorProcess {
  figures: Promise<ScenarioFigures>;
  /** Lets the generator exit (after the server is stopped) and waits until it has. */
  exit(): Promise<void>;
}

export function startGenerator(job: GeneratorJob, placement: Placement): GeneratorProcess {
  const [command, ...args] = placedCommand([process.execPath, benchBundle('generator')], placement);
  const child = spawn(command!, args, { stdio: ['ignore', 'inherit', 'pipe', 'ipc'] });
  const stderrTail: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => {
    stderrTail.push(line);
    if (stderrTail.length > STDERR_TAIL_LINES) stderrTail.shift();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const figures = new Promise<ScenarioFigures>((resolve, reject) => {
    child.once('message', (reply: GeneratorReply) => (reply.ok ? resolve(reply.figures) : reject(new Error(`generator: ${reply.error}`))));
    child.once('error', (error) => reject(new Error(`generator could not start: ${error.message}`)));
    child.once('exit', (code, signal) =>
      reject(new Error(`generator exited (${signal ?? `code ${code}`}) without a result${stderrTail.length ? `:\n${stderrTail.join('\n')}` : ''}`)),
    );
  });
  child.send(job);
  return {
    figures,
    async exit() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (child.connected) child.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), EXIT_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
