/**
 * The clients of one worker thread: opens them with a bounded number of joins in flight,
 * measures how long each takes to become ready, and hands deliveries to the current traffic phase.
 */
import type { BenchClient, ClientEvents, TargetAdapter } from '../adapters/adapter';
import { channelName, channelsOf } from '../channel-layout';
import { nowMs } from '../clock';
import { LatencyHistogram } from '../histogram';
import { pairPeer, type Audience } from './delivery-tracker';
import type { ProblemLog } from './problem-log';
import type { ConnectReport, WorkerCommand, WorkerSetup } from './worker-protocol';

export interface PoolClient {
  readonly index: number;
  readonly bench: BenchClient;
  /** Position among the receivers of the current traffic phase. */
  receiverSlot: number;
}

export interface DeliverySink {
  onDelivery(receiver: PoolClient, text: string): void;
}

type ConnectCommand = Extract<WorkerCommand, { kind: 'connect' }>;

interface JoinOutcome {
  readyAt: number;
  connectMs: number;
  requestMs: number;
}

export class ClientPool {
  private readonly ready = new Map<number, PoolClient>();
  private framesSeen = 0;
  private reconnects = 0;
  /** Where deliveries go: the traffic phase running now (or the last one, which counts stragglers). */
  sink: DeliverySink | undefined;

  constructor(
    private readonly adapter: TargetAdapter,
    private readonly setup: WorkerSetup,
    private readonly problems: ProblemLog,
  ) {}

  get frames(): number {
    return this.framesSeen;
  }

  /** Reconnections since the last call. */
  takeReconnects(): number {
    const reconnects = this.reconnects;
    this.reconnects = 0;
    return reconnects;
  }

  readyClients(): PoolClient[] {
    return [...this.ready.values()];
  }

  connect(command: ConnectCommand): Promise<Omit<ConnectReport, 'problems'>> {
    const connectToReady = new LatencyHistogram();
    const requestToReady = new LatencyHistogram();
    let next = 0;
    let pending = 0;
    let ready = 0;
    let failed = 0;
    let lastReadyAt = 0;
    return new Promise((resolve) => {
      const launch = (): void => {
        while (pending < command.maxPending && next < command.clients.length) {
          pending += 1;
          this.join(command.clients[next++]!, command.audience, command.timeoutMs, settle);
        }
        if (pending === 0) {
          resolve({ kind: 'connected', ready, failed, connectToReady: connectToReady.data(), requestToReady: requestToReady.data(), lastReadyAt });
        }
      };
      const settle = (outcome: JoinOutcome | undefined): void => {
        pending -= 1;
        if (outcome) {
          ready += 1;
          lastReadyAt = Math.max(lastReadyAt, outcome.readyAt);
          connectToReady.record(outcome.connectMs);
          requestToReady.record(outcome.requestMs);
        } else {
          failed += 1;
        }
        launch();
      };
      setTimeout(launch, Math.max(0, command.startAt - nowMs()));
    });
  }

  private join(index: number, audience: Audience, timeoutMs: number, settle: (outcome: JoinOutcome | undefined) => void): void {
    const startedAt = nowMs();
    let settled = false;
    const finish = (outcome: JoinOutcome | undefined, failure?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (failure !== undefined) {
        this.problems.record(`join failed: ${failure}`);
        bench.close();
      }
      settle(outcome);
    };
    const timer = setTimeout(() => finish(undefined, `not ready after ${timeoutMs} ms`), timeoutMs);
    const events: ClientEvents = {
      ready: (requestSentAt) => {
        if (settled) return;
        const readyAt = nowMs();
        this.ready.set(index, client);
        finish({ readyAt, connectMs: readyAt - startedAt, requestMs: readyAt - (requestSentAt ?? startedAt) });
      },
      frame: () => {
        this.framesSeen += 1;
      },
      delivery: (text) => {
        if (this.sink) this.sink.onDelivery(client, text);
        else this.problems.record('delivery before any traffic phase');
      },
      problem: (description) => this.problems.record(description),
      reconnected: () => {
        this.reconnects += 1;
      },
      closed: (description) => {
        this.ready.delete(index);
        if (!settled) finish(undefined, description);
        else this.problems.record(`connection lost: ${description}`);
      },
    };
    const { urls, reconnect } = this.setup;
    const bench = this.adapter.open(
      {
        url: urls[index % urls.length]!,
        // From its own node on, so a client that loses its node goes to the next one.
        ...(reconnect ? { nodes: [...urls.slice(index % urls.length), ...urls.slice(0, index % urls.length)] } : {}),
        client: index,
        peer: audience === 'pairs' ? pairPeer(index) : undefined,
        ...(audience === 'channels' ? { channels: channelsOf(index).map(channelName) } : {}),
      },
      events,
    );
    const client: PoolClient = { index, bench, receiverSlot: -1 };
  }
}
