/**
 * What each scenario does and with which numbers, in full and in --quick (smoke) form. These
 * specs travel to the generator process, which runs them.
 */
import { CHANNEL_CLIENTS } from './channel-layout';
import type { Audience } from './generator/delivery-tracker';

export const SCENARIO_NAMES = ['fanout', 'saturation', 'private', 'channels', 'storm', 'maxclients', 'idle', 'cluster'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** Open loop at a fixed rate, or closed loop: a bounded number of messages in flight per sender. */
export type SendMode = { kind: 'rate'; perSecond: number } | { kind: 'window'; size: number };

export interface TrafficSpec {
  kind: 'traffic';
  clients: number;
  /** Clients 0..senders-1 send; in `pairs` every client sends to its peer. */
  senders: number;
  audience: Audience;
  send: SendMode;
  warmupMs: number;
  measureMs: number;
}

export interface StormSpec {
  kind: 'storm';
  clients: number;
}

export interface MaxClientsSpec {
  kind: 'maxclients';
  steps: number[];
  senders: number;
  perSecond: number;
  warmupMs: number;
  measureMs: number;
  p95LimitMs: number;
}

export interface IdleSpec {
  kind: 'idle';
  connections: number;
  settleMs: number;
}

/** Group traffic against 1..N nodes on one PostgreSQL and one Redis (bench/cluster-suite.ts runs it). */
export interface ClusterSpec {
  kind: 'cluster';
  /** One configuration per count: that many nodes, client i on node i mod N. */
  nodeCounts: number[];
  /** Nodes of the kill run (one of them is killed with SIGKILL halfway through the window), or 0 for none. */
  killRunNodes: number;
  traffic: TrafficSpec;
}

export type ScenarioSpec = TrafficSpec | StormSpec | MaxClientsSpec | IdleSpec | ClusterSpec;

export interface ScenarioOverrides {
  clients?: number;
  steps?: number[];
  durationSec?: number;
  warmupSec?: number;
}

export const SCENARIO_DESCRIPTIONS: Record<ScenarioName, string> = {
  fanout:
    'Group fan-out: C clients in one group, S of them send at R messages/s each (open loop); every other client receives each message.',
  saturation:
    'Saturation: S senders in a group of C keep a fixed window of messages in flight each (a message leaves flight when a watcher client in the same worker receives it), so they send as fast as the server and its backpressure allow.',
  private:
    'Private pairs: C/2 one-to-one conversations at once; each client sends R messages/s to its peer only (Relay: say with `to`; minimal relay: each pair connects to its own URL path, a room; Socket.IO: every socket joins a room named after its user and the server emits to the peer\'s room).',
  channels:
    'Channels: 50 channels of 20 members, each of the 200 clients in 5 of them (bench/channel-layout.ts); every client sends R messages/s to its first channel (open loop), which its 19 other members receive. Only targets with channels run it (the minimal relay and the Socket.IO server have no multi-room client here).',
  storm:
    'Connection storm: C clients start connecting at the same instant; time until the last is ready, and the per-client connect→ready latency (ready = Relay welcome, minimal relay open, Socket.IO connect). For Relay, hello→welcome is shown too. A connection attempt the kernel drops because the listen queue is full (counted as listen queue overflows) is retried by its client after 1 s, which is what a tail of about a second means.',
  maxclients:
    'Max clients: C grows step by step (clients stay connected); at each step 4 senders send every 250 ms to the whole group; a step holds while p95 delivery latency is ≤ 250 ms and nothing is lost. Reports the largest C that held.',
  idle:
    'Idle memory: server RSS with N idle, joined connections minus its RSS before any connection, divided by N.',
  cluster:
    'Cluster: group fan-out against 1, 2 and 3 nodes on one private PostgreSQL and one Redis that the benchmark starts itself (Relay Chat: `--store postgres://… --redis …`; Socket.IO 4: `@socket.io/redis-adapter` on the same Redis); client i connects to node i mod N, so most deliveries cross nodes. Then a kill run: 3 nodes, one killed with SIGKILL halfway through the window; its clients reconnect to the next node in their list (Relay: hello with token and `resume`, unacked sends resent with their id; Socket.IO: a new connection, sends made while disconnected buffered as socket.io-client does). Lost and duplicated deliveries count over the whole phase. Server CPU is the node processes\' sum; PostgreSQL (postmaster and its backends) and Redis are shown apart.',
};

const FULL_MAX_CLIENT_STEPS = [250, 500, 1000, 2000, 2500, 3000, 3500, 4000, 5000, 6000, 8000];

function fullSpec(name: ScenarioName): ScenarioSpec {
  switch (name) {
    case 'fanout':
      return { kind: 'traffic', clients: 1000, senders: 10, audience: 'group', send: { kind: 'rate', perSecond: 4 }, warmupMs: 3000, measureMs: 15_000 };
    case 'saturation':
      return { kind: 'traffic', clients: 200, senders: 20, audience: 'group', send: { kind: 'window', size: 4 }, warmupMs: 3000, measureMs: 10_000 };
    case 'private':
      return { kind: 'traffic', clients: 1000, senders: 1000, audience: 'pairs', send: { kind: 'rate', perSecond: 2 }, warmupMs: 3000, measureMs: 15_000 };
    case 'channels':
      return { kind: 'traffic', clients: CHANNEL_CLIENTS, senders: CHANNEL_CLIENTS, audience: 'channels', send: { kind: 'rate', perSecond: 2 }, warmupMs: 3000, measureMs: 15_000 };
    case 'storm':
      return { kind: 'storm', clients: 2000 };
    case 'maxclients':
      return { kind: 'maxclients', steps: FULL_MAX_CLIENT_STEPS, senders: 4, perSecond: 4, warmupMs: 2000, measureMs: 10_000, p95LimitMs: 250 };
    case 'idle':
      return { kind: 'idle', connections: 10_000, settleMs: 3000 };
    case 'cluster':
      return {
        kind: 'cluster',
        nodeCounts: [1, 2, 3],
        killRunNodes: 3,
        traffic: { kind: 'traffic', clients: 600, senders: 10, audience: 'group', send: { kind: 'rate', perSecond: 4 }, warmupMs: 3000, measureMs: 20_000 },
      };
  }
}

/** A couple of seconds per target, small C: proves every path works, measures nothing. */
function quickSpec(name: ScenarioName): ScenarioSpec {
  switch (name) {
    case 'fanout':
      return { kind: 'traffic', clients: 20, senders: 4, audience: 'group', send: { kind: 'rate', perSecond: 10 }, warmupMs: 200, measureMs: 1000 };
    case 'saturation':
      return { kind: 'traffic', clients: 20, senders: 4, audience: 'group', send: { kind: 'window', size: 4 }, warmupMs: 200, measureMs: 1000 };
    case 'private':
      return { kind: 'traffic', clients: 20, senders: 20, audience: 'pairs', send: { kind: 'rate', perSecond: 5 }, warmupMs: 200, measureMs: 1000 };
    case 'channels':
      return { kind: 'traffic', clients: CHANNEL_CLIENTS, senders: CHANNEL_CLIENTS, audience: 'channels', send: { kind: 'rate', perSecond: 1 }, warmupMs: 200, measureMs: 1000 };
    case 'storm':
      return { kind: 'storm', clients: 50 };
    case 'maxclients':
      return { kind: 'maxclients', steps: [10, 20], senders: 4, perSecond: 4, warmupMs: 200, measureMs: 1000, p95LimitMs: 250 };
    case 'idle':
      return { kind: 'idle', connections: 100, settleMs: 300 };
    case 'cluster':
      // Two nodes of each target prove the cross-node path; the 1-node and kill runs add nothing to a smoke test.
      return {
        kind: 'cluster',
        nodeCounts: [2],
        killRunNodes: 0,
        traffic: { kind: 'traffic', clients: 20, senders: 4, audience: 'group', send: { kind: 'rate', perSecond: 10 }, warmupMs: 200, measureMs: 1000 },
      };
  }
}

export function scenarioSpec(name: ScenarioName, quick: boolean, overrides: ScenarioOverrides): ScenarioSpec {
  const spec = quick ? quickSpec(name) : fullSpec(name);
  const warmupMs = overrides.warmupSec === undefined ? undefined : overrides.warmupSec * 1000;
  const measureMs = overrides.durationSec === undefined ? undefined : overrides.durationSec * 1000;
  switch (spec.kind) {
    case 'traffic': {
      const clients = overrides.clients ?? spec.clients;
      if (spec.audience === 'channels' && clients !== CHANNEL_CLIENTS) {
        throw new Error(`${name} has a fixed layout of ${CHANNEL_CLIENTS} clients; --clients does not apply to it`);
      }
      if (spec.audience === 'pairs' && clients % 2 !== 0) {
        throw new Error(`${name} pairs clients up, so it needs an even number of clients, got ${clients}`);
      }
      return {
        ...spec,
        clients,
        // Every client sends in the pairs and channels scenarios; elsewhere the senders stay a subset.
        senders: spec.audience === 'group' ? Math.min(spec.senders, clients) : clients,
        warmupMs: warmupMs ?? spec.warmupMs,
        measureMs: measureMs ?? spec.measureMs,
      };
    }
    case 'storm':
      return { ...spec, clients: overrides.clients ?? spec.clients };
    case 'maxclients':
      return { ...spec, steps: overrides.steps ?? spec.steps, warmupMs: warmupMs ?? spec.warmupMs, measureMs: measureMs ?? spec.measureMs };
    case 'idle':
      return { ...spec, connections: overrides.clients ?? spec.connections };
    case 'cluster': {
      const { traffic } = spec;
      const clients = overrides.clients ?? traffic.clients;
      return {
        ...spec,
        traffic: { ...traffic, clients, senders: Math.min(traffic.senders, clients), warmupMs: warmupMs ?? traffic.warmupMs, measureMs: measureMs ?? traffic.measureMs },
      };
    }
  }
}

/** Noisy shared machine: every scenario runs at least twice, saturation three times. */
export function defaultRuns(name: ScenarioName, quick: boolean): number {
  if (quick) return 1;
  return name === 'saturation' ? 3 : 2;
}

/** The most clients a scenario holds open at once (for the open-files limit). */
export function peakClients(spec: ScenarioSpec): number {
  switch (spec.kind) {
    case 'traffic':
    case 'storm':
      return spec.clients;
    case 'maxclients':
      return Math.max(...spec.steps);
    case 'idle':
      return spec.connections;
    case 'cluster':
      return spec.traffic.clients;
  }
}
