/**
 * CPU seconds of the processes that serve the clients: every node, and a cluster's PostgreSQL and
 * Redis. A node killed on purpose keeps the reading taken just before its kill.
 */
import { cpuSeconds, treeCpuSeconds } from '../proc-stats';
import type { ServerProcesses } from './job';

export interface ServerCpuSample {
  nodes: number[];
  postgres: number;
  redis: number;
}

export class ServerCpu {
  /** Last reading of each killed node. */
  private readonly killed = new Map<number, number>();

  constructor(private readonly servers: ServerProcesses) {}

  sample(): ServerCpuSample {
    return {
      nodes: this.servers.nodes.map((pid, node) => this.killed.get(node) ?? cpuSeconds(pid)),
      postgres: this.servers.postgres === undefined ? 0 : treeCpuSeconds(this.servers.postgres),
      redis: this.servers.redis === undefined ? 0 : cpuSeconds(this.servers.redis),
    };
  }

  kill(node: number): void {
    const pid = this.servers.nodes[node];
    if (pid === undefined) throw new Error(`there is no node ${node} to kill`);
    this.killed.set(node, cpuSeconds(pid));
    process.kill(pid, 'SIGKILL');
  }
}
