/**
 * relay-chat-server processes for tests, started from dist/ (npm run build) as an operator
 * starts them: each on a free loopback port with a data folder of its own, stopped by its own
 * pid. `kill()` is kill -9: the node gets no chance to clean up.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { tempDir } from './server';

const CLI = path.resolve('dist/server/cli.js');
const START_TIMEOUT_MS = 15_000;

export class CliNode {
  private constructor(
    private readonly child: ChildProcess,
    /** ws://127.0.0.1:PORT */
    readonly url: string,
    private readonly data: { remove: () => void },
    /** What it wrote to stderr, for a failing test's message. */
    private readonly stderr: () => string,
  ) {}

  /** Starts a node with these options (besides --port 0 and --data); resolves once it listens. */
  static async start(args: readonly string[]): Promise<CliNode> {
    const data = tempDir('relay-chat-node-');
    const child = spawn(process.execPath, [CLI, '--port', '0', '--data', data.path, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`relay-chat-server did not listen within ${START_TIMEOUT_MS} ms: ${stderr}`)), START_TIMEOUT_MS);
        child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
          out += chunk;
          const match = /listening on (ws:\/\/\S+)/.exec(out);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        });
        child.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`relay-chat-server exited with ${code} before it listened: ${stderr}`));
        });
      });
      return new CliNode(child, url, data, () => stderr);
    } catch (error) {
      child.kill('SIGKILL');
      data.remove();
      throw error;
    }
  }

  get port(): number {
    return Number(new URL(this.url).port);
  }

  get healthUrl(): string {
    return `${this.url.replace('ws:', 'http:')}/healthz`;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get log(): string {
    return this.stderr();
  }

  /** kill -9, and waits until it is gone. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** Stops it (SIGTERM, a clean shutdown; kill -9 if that takes over 5 s) and removes its data folder. */
  async stop(): Promise<void> {
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await this.signal('SIGTERM');
    clearTimeout(timer);
    this.data.remove();
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    if (!this.alive) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill(signal);
    await exited;
  }
}
