/** What the benchmark runner asks of the generator process, and what it gets back (over IPC). */
import type { LatencySummary } from '../histogram';
import type { ScenarioSpec } from '../scenarios';
import type { TargetName } from '../targets/names';

/** The processes that serve the clients, whose CPU (and memory) the generator samples at phase edges. */
export interface ServerProcesses {
  /** The server's process, or every node's in a cluster (in the order of `urls`). */
  nodes: number[];
  /** A cluster's shared PostgreSQL: its postmaster, whose children are the backends. */
  postgres?: number;
  /** A cluster's shared Redis. */
  redis?: number;
}

export interface GeneratorJob {
  target: TargetName;
  /** The server's URL, or every node's: client i connects to urls[i mod N]. */
  urls: string[];
  servers: ServerProcesses;
  /** Clients reconnect to the next node when theirs goes away (the cluster scenario). */
  reconnect: boolean;
  /** SIGKILL this node halfway through the measurement window. */
  killNode?: number;
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
  /** In a cluster: the CPU of each node, of PostgreSQL and of Redis over the window (serverCpuSec is the nodes' sum). */
  cluster?: ClusterCpu;
  problems: string[];
}

export interface ClusterCpu {
  nodeCpuSec: number[];
  postgresCpuSec: number;
  redisCpuSec: number;
  /** Times a client's connection dropped and it connected to another node. */
  reconnects: number;
  /** The node killed halfway through the window, if any. */
  killedNode?: number;
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
