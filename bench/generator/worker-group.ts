/**
 * The generator main thread's view of its worker threads: spreads clients over them and merges
 * what they report. Pairs (2k, 2k+1) always share a thread so a pair can watch itself.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { LatencyHistogram } from '../histogram';
import type { Audience, DeliveryCounts } from './delivery-tracker';
import { ProblemLog } from './problem-log';
import type { SentCounts, TrafficPlan, WorkerCommand, WorkerReply, WorkerSetup } from './worker-protocol';

/** The bundled worker sits next to the bundled generator (see bench/bundle.ts). */
const WORKER_FILE = path.join(__dirname, 'generator-worker.js');

export interface ConnectOutcome {
  ready: number;
  failed: number;
  connectToReady: LatencyHistogram;
  requestToReady: LatencyHistogram;
  lastReadyAt: number;
}

export interface FinishOutcome {
  counts: DeliveryCounts;
  deliveriesInWindow: number;
  latency: LatencyHistogram;
  stale: number;
  reconnects: number;
}

type ReplyOf<K extends WorkerReply['kind']> = Extract<WorkerReply, { kind: K }>;

class WorkerHandle {
  private readonly waiting: Array<{ resolve: (reply: WorkerReply) => void; reject: (error: Error) => void }> = [];

  constructor(readonly worker: Worker) {
    worker.on('message', (reply: WorkerReply) => this.waiting.shift()?.resolve(reply));
    worker.on('error', (error) => this.failAll(error));
    worker.on('exit', (code) => this.failAll(new Error(`generator worker exited with code ${code}`)));
  }

  private failAll(error: Error): void {
    for (const waiter of this.waiting.splice(0)) waiter.reject(error);
  }

  /** Commands are answered in order, one reply each. */
  async request<K extends WorkerReply['kind']>(command: WorkerCommand, expected: K): Promise<ReplyOf<K>> {
    const reply = await new Promise<WorkerReply>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.worker.postMessage(command);
    });
    if (reply.kind === 'failed') throw new Error(`generator worker: ${reply.error}`);
    if (reply.kind !== expected) throw new Error(`generator worker answered ${reply.kind} to ${command.kind}`);
    return reply as ReplyOf<K>;
  }
}

export class WorkerGroup {
  /** Problems reported by the workers since the last take. */
  readonly problems = new ProblemLog();

  private constructor(private readonly handles: WorkerHandle[]) {}

  static async start(setup: WorkerSetup, count: number): Promise<WorkerGroup> {
    const handles = Array.from({ length: count }, () => new WorkerHandle(new Worker(WORKER_FILE, { workerData: setup })));
    await Promise.all(handles.map((handle) => new Promise((resolve) => handle.worker.once('online', resolve))));
    return new WorkerGroup(handles);
  }

  private workerOf(client: number): number {
    return Math.floor(client / 2) % this.handles.length;
  }

  private all<K extends WorkerReply['kind']>(command: (worker: number) => WorkerCommand, expected: K): Promise<Array<ReplyOf<K>>> {
    return Promise.all(this.handles.map((handle, worker) => handle.request(command(worker), expected)));
  }

  async connect(clients: number[], options: { audience: Audience; maxPending: number; startAt: number; timeoutMs: number }): Promise<ConnectOutcome> {
    const shares = this.handles.map((): number[] => []);
    for (const client of clients) shares[this.workerOf(client)]!.push(client);
    const maxPending = Math.max(1, Math.ceil(options.maxPending / this.handles.length));
    const reports = await this.all((worker) => ({ kind: 'connect', clients: shares[worker]!, ...options, maxPending }), 'connected');
    const outcome: ConnectOutcome = { ready: 0, failed: 0, connectToReady: new LatencyHistogram(), requestToReady: new LatencyHistogram(), lastReadyAt: 0 };
    for (const report of reports) {
      outcome.ready += report.ready;
      outcome.failed += report.failed;
      outcome.connectToReady.add(report.connectToReady);
      outcome.requestToReady.add(report.requestToReady);
      outcome.lastReadyAt = Math.max(outcome.lastReadyAt, report.lastReadyAt);
      this.problems.addAll(report.problems);
    }
    return outcome;
  }

  /** Frames received so far by all clients (to tell when traffic has settled). */
  async frames(): Promise<number> {
    const replies = await this.all(() => ({ kind: 'frames' }), 'frames');
    return replies.reduce((sum, reply) => sum + reply.count, 0);
  }

  async startTraffic(plan: TrafficPlan): Promise<void> {
    await this.all(() => ({ kind: 'traffic', plan }), 'started');
  }

  async stopTraffic(): Promise<SentCounts> {
    const replies = await this.all(() => ({ kind: 'stop' }), 'stopped');
    return replies.flatMap((reply) => reply.sent);
  }

  async finishTraffic(sent: SentCounts, quietMs: number, maxDrainMs: number): Promise<FinishOutcome> {
    const reports = await this.all(() => ({ kind: 'finish', sent, quietMs, maxDrainMs }), 'finished');
    const outcome: FinishOutcome = {
      counts: { expected: 0, received: 0, lost: 0, duplicated: 0, unexpected: 0 },
      deliveriesInWindow: 0,
      latency: new LatencyHistogram(),
      stale: 0,
      reconnects: 0,
    };
    for (const report of reports) {
      for (const key of Object.keys(outcome.counts) as Array<keyof DeliveryCounts>) outcome.counts[key] += report.counts[key];
      outcome.deliveriesInWindow += report.deliveriesInWindow;
      outcome.latency.add(report.latency);
      outcome.stale += report.stale;
      outcome.reconnects += report.reconnects;
      this.problems.addAll(report.problems);
    }
    return outcome;
  }
}
