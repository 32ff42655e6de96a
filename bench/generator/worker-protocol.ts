/** Messages between the generator's main thread and its worker threads. */
import type { HistogramData } from '../histogram';
import type { SendMode } from '../scenarios';
import type { TargetName } from '../targets/names';
import type { Audience, DeliveryCounts } from './delivery-tracker';
import type { ProblemCounts } from './problem-log';

export interface WorkerSetup {
  target: TargetName;
  /** Client i connects to urls[i mod N]. */
  urls: string[];
  /** Clients reconnect to the next URL when their connection drops. */
  reconnect: boolean;
}

/** One traffic phase; all times are on the shared clock (nowMs). */
export interface TrafficPlan {
  phase: number;
  audience: Audience;
  senders: number[];
  send: SendMode;
  startAt: number;
  measureStart: number;
  measureEnd: number;
}

export type SentCounts = Array<[sender: number, sent: number]>;

export type WorkerCommand =
  | { kind: 'connect'; clients: number[]; audience: Audience; maxPending: number; startAt: number; timeoutMs: number }
  | { kind: 'traffic'; plan: TrafficPlan }
  | { kind: 'stop' }
  | { kind: 'finish'; sent: SentCounts; quietMs: number; maxDrainMs: number }
  | { kind: 'frames' };

export interface ConnectReport {
  kind: 'connected';
  ready: number;
  failed: number;
  connectToReady: HistogramData;
  requestToReady: HistogramData;
  /** nowMs() when the last client became ready (0 if none did). */
  lastReadyAt: number;
  problems: ProblemCounts;
}

export interface FinishReport {
  kind: 'finished';
  counts: DeliveryCounts;
  /** First deliveries received inside the measurement window. */
  deliveriesInWindow: number;
  latency: HistogramData;
  /** Deliveries of an earlier phase that arrived after it was over. */
  stale: number;
  /** Connections that dropped and were made again to another node, since the last finish. */
  reconnects: number;
  problems: ProblemCounts;
}

export type WorkerReply =
  | ConnectReport
  | FinishReport
  | { kind: 'started' }
  | { kind: 'stopped'; sent: SentCounts }
  | { kind: 'frames'; count: number }
  | { kind: 'failed'; error: string };
