/**
 * Runs one scenario against one target from the generator's main thread: tells the workers when
 * to connect and send, and samples the server's and its own CPU at the edges of each
 * measurement window.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { nowMs, sleepUntil } from '../clock';
import { collectGarbage } from '../inspector-gc';
import { cpuSeconds, listenOverflows, machineBusySeconds, memoryKiB } from '../proc-stats';
import type { IdleSpec, MaxClientsSpec, ScenarioSpec, SendMode, StormSpec, TrafficSpec } from '../scenarios';
import type { Audience } from './delivery-tracker';
import type { GeneratorJob, IdleFigures, ServerProcesses, MaxClientsFigures, MaxClientsStep, ScenarioFigures, StormFigures, TrafficFigures } from './job';
import { describeProblems } from './problem-log';
import { ServerCpu } from './server-cpu';
import { WorkerGroup } from './worker-group';

/** Time for every worker to receive a plan before the plan's start instant. */
const START_DELAY_MS = 250;
/** Joins in flight while setting up (the storm scenario has no such limit). */
const SETUP_MAX_PENDING = 1000;
const JOIN_TIMEOUT_MS = 60_000;
const DRAIN_QUIET_MS = 1000;
const DRAIN_MAX_MS = 15_000;
const SETTLE_QUIET_MS = 300;
const SETTLE_POLL_MS = 100;
const SETTLE_MAX_MS = 180_000;

interface TrafficPhase {
  clients: number;
  senders: number[];
  audience: Audience;
  send: SendMode;
  warmupMs: number;
  measureMs: number;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

class ScenarioRunner {
  private phase = 0;
  private readonly serverCpu: ServerCpu;
  /** The first (or only) node: the one whose memory the idle scenario reads. */
  private readonly serverPid: number;

  constructor(
    private readonly group: WorkerGroup,
    private readonly servers: ServerProcesses,
    private readonly serverInspectorUrl: string | undefined,
    private readonly killNode: number | undefined,
  ) {
    this.serverCpu = new ServerCpu(servers);
    this.serverPid = servers.nodes[0]!;
  }

  private problems(): string[] {
    return describeProblems(this.group.problems.take());
  }

  /** Connects clients for a measurement (not itself measured); fails loudly if any cannot join. */
  private async setUp(clients: number[], audience: Audience): Promise<void> {
    const outcome = await this.group.connect(clients, { audience, maxPending: SETUP_MAX_PENDING, startAt: 0, timeoutMs: JOIN_TIMEOUT_MS });
    if (outcome.failed > 0) {
      throw new Error(`${outcome.failed} of ${clients.length} clients could not join: ${this.problems().join('; ')}`);
    }
  }

  /** Waits until no frame has arrived anywhere for a while (e.g. Relay's presence changes after joins). */
  private async settle(): Promise<void> {
    const deadline = nowMs() + SETTLE_MAX_MS;
    let last = await this.group.frames();
    let quietSince = nowMs();
    while (nowMs() - quietSince < SETTLE_QUIET_MS) {
      if (nowMs() > deadline) throw new Error(`traffic did not settle within ${SETTLE_MAX_MS / 1000} s`);
      await sleep(SETTLE_POLL_MS);
      const frames = await this.group.frames();
      if (frames !== last) {
        last = frames;
        quietSince = nowMs();
      }
    }
  }

  private async measure(phase: TrafficPhase): Promise<TrafficFigures> {
    this.phase += 1;
    const startAt = nowMs() + START_DELAY_MS;
    const measureStart = startAt + phase.warmupMs;
    const measureEnd = measureStart + phase.measureMs;
    await this.group.startTraffic({ phase: this.phase, audience: phase.audience, senders: phase.senders, send: phase.send, startAt, measureStart, measureEnd });
    await sleepUntil(measureStart);
    const serverCpuBefore = this.serverCpu.sample();
    const generatorCpuBefore = process.cpuUsage();
    const machineBusyBefore = machineBusySeconds();
    if (this.killNode !== undefined) {
      await sleepUntil(measureStart + phase.measureMs / 2);
      this.serverCpu.kill(this.killNode);
    }
    await sleepUntil(measureEnd);
    const serverCpuAfter = this.serverCpu.sample();
    const generatorCpu = process.cpuUsage(generatorCpuBefore);
    const machineBusySec = machineBusySeconds() - machineBusyBefore;
    const nodeCpuSec = serverCpuAfter.nodes.map((after, node) => after - serverCpuBefore.nodes[node]!);
    const serverCpuSec = nodeCpuSec.reduce((sum, seconds) => sum + seconds, 0);
    const postgresCpuSec = serverCpuAfter.postgres - serverCpuBefore.postgres;
    const redisCpuSec = serverCpuAfter.redis - serverCpuBefore.redis;
    const sent = await this.group.stopTraffic();
    const outcome = await this.group.finishTraffic(sent, DRAIN_QUIET_MS, DRAIN_MAX_MS);
    const measureSec = phase.measureMs / 1000;
    const generatorCpuSec = (generatorCpu.user + generatorCpu.system) / 1e6;
    const deliveries = outcome.deliveriesInWindow;
    const { lost, duplicated, unexpected, expected } = outcome.counts;
    if (outcome.stale > 0) this.group.problems.record(`deliveries of an earlier phase arrived after it ended`, outcome.stale);
    if (unexpected > 0) this.group.problems.record('deliveries to a client that should not get the message', unexpected);
    return {
      kind: 'traffic',
      clients: phase.clients,
      senders: phase.senders.length,
      messagesSent: sent.reduce((sum, [, count]) => sum + count, 0),
      measureSec,
      deliveries,
      deliveriesPerSec: deliveries / measureSec,
      latency: outcome.latency.summary(),
      expected,
      lost,
      duplicated,
      unexpected,
      serverCpuSec,
      cpuUsPerDelivery: deliveries > 0 ? (serverCpuSec * 1e6) / deliveries : 0,
      generatorCpuSec,
      generatorCpuPercent: (generatorCpuSec / measureSec) * 100,
      otherCpuPercent: (Math.max(0, machineBusySec - serverCpuSec - postgresCpuSec - redisCpuSec - generatorCpuSec) / measureSec) * 100,
      ...(this.servers.nodes.length > 1 || this.servers.redis !== undefined
        ? {
            cluster: {
              nodeCpuSec,
              postgresCpuSec,
              redisCpuSec,
              reconnects: outcome.reconnects,
              ...(this.killNode !== undefined ? { killedNode: this.killNode } : {}),
            },
          }
        : {}),
      problems: this.problems(),
    };
  }

  async traffic(spec: TrafficSpec): Promise<TrafficFigures> {
    await this.setUp(range(0, spec.clients), spec.audience);
    await this.settle();
    return this.measure({ ...spec, senders: range(0, spec.senders) });
  }

  async storm(spec: StormSpec): Promise<StormFigures> {
    const startAt = nowMs() + START_DELAY_MS;
    const serverCpuBefore = cpuSeconds(this.serverPid);
    const generatorCpuBefore = process.cpuUsage();
    const overflowsBefore = listenOverflows();
    const outcome = await this.group.connect(range(0, spec.clients), { audience: 'group', maxPending: spec.clients, startAt, timeoutMs: JOIN_TIMEOUT_MS });
    const serverCpuSec = cpuSeconds(this.serverPid) - serverCpuBefore;
    const overflows = listenOverflows() - overflowsBefore;
    const generatorCpu = process.cpuUsage(generatorCpuBefore);
    return {
      kind: 'storm',
      clients: spec.clients,
      ready: outcome.ready,
      failed: outcome.failed,
      allReadySec: outcome.ready > 0 ? (outcome.lastReadyAt - startAt) / 1000 : 0,
      connectToReady: outcome.connectToReady.summary(),
      requestToReady: outcome.requestToReady.summary(),
      listenOverflows: overflows,
      serverCpuSec,
      generatorCpuSec: (generatorCpu.user + generatorCpu.system) / 1e6,
      problems: this.problems(),
    };
  }

  async maxClients(spec: MaxClientsSpec): Promise<MaxClientsFigures> {
    const steps: MaxClientsStep[] = [];
    let connected = 0;
    for (const clients of spec.steps) {
      const outcome = await this.group.connect(range(connected, clients), { audience: 'group', maxPending: SETUP_MAX_PENDING, startAt: 0, timeoutMs: JOIN_TIMEOUT_MS });
      connected = clients;
      if (outcome.failed > 0) {
        steps.push({ clients, held: false, failure: `${outcome.failed} clients could not join` });
        break;
      }
      await this.settle();
      const traffic = await this.measure({
        clients,
        senders: range(0, spec.senders),
        audience: 'group',
        send: { kind: 'rate', perSecond: spec.perSecond },
        warmupMs: spec.warmupMs,
        measureMs: spec.measureMs,
      });
      const failure =
        traffic.latency.p95 > spec.p95LimitMs
          ? `p95 ${traffic.latency.p95.toFixed(0)} ms > ${spec.p95LimitMs} ms`
          : traffic.lost > 0
            ? `${traffic.lost} deliveries lost`
            : undefined;
      steps.push({ clients, held: failure === undefined, ...(failure ? { failure } : {}), traffic });
      if (failure) break;
    }
    const held = steps.filter((step) => step.held);
    return { kind: 'maxclients', p95LimitMs: spec.p95LimitMs, steps, maxClients: held.at(-1)?.clients ?? 0, problems: this.problems() };
  }

  /** Server RSS after a forced full GC and a moment for freed pages to go back to the system. */
  private async rssAfterGc(settleMs: number): Promise<number> {
    if (!this.serverInspectorUrl) throw new Error('the idle scenario needs the server started with its inspector');
    await collectGarbage(this.serverInspectorUrl);
    await sleep(settleMs);
    return memoryKiB(this.serverPid).rss;
  }

  async idle(spec: IdleSpec): Promise<IdleFigures> {
    await sleep(spec.settleMs);
    const baselineRssKiB = await this.rssAfterGc(spec.settleMs);
    const serverCpuBefore = cpuSeconds(this.serverPid);
    const startedAt = nowMs();
    const outcome = await this.group.connect(range(0, spec.connections), { audience: 'group', maxPending: SETUP_MAX_PENDING, startAt: 0, timeoutMs: JOIN_TIMEOUT_MS });
    const connectSec = (nowMs() - startedAt) / 1000;
    await this.settle();
    const serverCpuSec = cpuSeconds(this.serverPid) - serverCpuBefore;
    await sleep(spec.settleMs);
    const idleRssBeforeGcKiB = memoryKiB(this.serverPid).rss;
    const idleRssKiB = await this.rssAfterGc(spec.settleMs);
    const perConnection = (rssKiB: number): number => (outcome.ready > 0 ? ((rssKiB - baselineRssKiB) * 1024) / outcome.ready : 0);
    return {
      kind: 'idle',
      connections: outcome.ready,
      failed: outcome.failed,
      baselineRssKiB,
      idleRssKiB,
      bytesPerConnection: perConnection(idleRssKiB),
      idleRssBeforeGcKiB,
      bytesPerConnectionBeforeGc: perConnection(idleRssBeforeGcKiB),
      connectSec,
      serverCpuSec,
      problems: this.problems(),
    };
  }
}

export async function runScenario(job: GeneratorJob): Promise<ScenarioFigures> {
  const group = await WorkerGroup.start({ target: job.target, urls: job.urls, reconnect: job.reconnect }, job.workers);
  const runner = new ScenarioRunner(group, job.servers, job.serverInspectorUrl, job.killNode);
  const spec: ScenarioSpec = job.scenario;
  switch (spec.kind) {
    case 'traffic':
      return runner.traffic(spec);
    case 'storm':
      return runner.storm(spec);
    case 'maxclients':
      return runner.maxClients(spec);
    case 'idle':
      return runner.idle(spec);
    case 'cluster':
      throw new Error('the generator runs one cluster configuration at a time: send its traffic spec');
  }
}
