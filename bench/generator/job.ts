/** What the benchmark runner asks of the generator process, and what it gets back (over IPC). */
import type { LatencySummary } from '../histogram';
import type { ScenarioSpec } from '../scenarios';
import type { TargetName } from '../targets/names';

export interface GeneratorJob {
  target: TargetName;
  url: string;
  /** The target server's process, whose CPU and memory the generator samples at phase edges. */
  serverPid: number;
  /** The server's inspector, for scenarios that force a GC before reading memory. */
  serverInspectorUrl: string | undefined;
  workers: number;
  scenario: ScenarioSpec;
}

export interface TrafficFigures {
  kind: 'traffic';
  clients: number;
  senders: number;
  messagesSent: number;
  measureSec: number;
  /** Deliveries received inside the measurement window (first copies only). */
  deliveries: number;
  deliveriesPerSec: number;
  latency: LatencySummary;
  expected: number;
  lost: number;
  duplicated: number;
  unexpected: number;
  serverCpuSec: number;
  cpuUsPerDelivery: number;
  generatorCpuSec: number;
  /** Generator CPU over the window as % of one core: near 100 means it, not the server, was the limit. */
  generatorCpuPercent: number;
  /**
   * CPU the rest of the machine used over the window (% of one core): busy time of all CPUs
   * minus server and generator. Mostly other people's work on a shared machine, plus the
   * kernel's network processing that is not charged to a process.
   */
  otherCpuPercent: number;
  problems: string[];
}

export interface StormFigures {
  kind: 'storm';
  clients: number;
  ready: number;
  failed: number;
  /** From the common start instant to the last client ready. */
  allReadySec: number;
  connectToReady: LatencySummary;
  /** Relay: hello→welcome; other targets have no join request, so this equals connect→ready. */
  requestToReady: LatencySummary;
  /** Connection attempts dropped by a full listen queue during the storm (see listenOverflows). */
  listenOverflows: number;
  serverCpuSec: number;
  generatorCpuSec: number;
  problems: string[];
}

export interface MaxClientsStep {
  clients: number;
  held: boolean;
  /** Why the step failed, when it did. */
  failure?: string;
  traffic?: TrafficFigures;
}

export interface MaxClientsFigures {
  kind: 'maxclients';
  p95LimitMs: number;
  steps: MaxClientsStep[];
  /** Largest C that held (0 if even the first step failed). */
  maxClients: number;
  problems: string[];
}

export interface IdleFigures {
  kind: 'idle';
  connections: number;
  failed: number;
  /** RSS before any connection and with N connections, each read after a forced full GC. */
  baselineRssKiB: number;
  idleRssKiB: number;
  bytesPerConnection: number;
  /** The same with N connections but read before that GC: what the process happened to hold. */
  idleRssBeforeGcKiB: number;
  bytesPerConnectionBeforeGc: number;
  connectSec: number;
  serverCpuSec: number;
  problems: string[];
}

export type ScenarioFigures = TrafficFigures | StormFigures | MaxClientsFigures | IdleFigures;

export type GeneratorReply = { ok: true; figures: ScenarioFigures } | { ok: false; error: string };
