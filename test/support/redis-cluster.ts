/** Several real servers in this process on one test Redis and one shared SQLite data folder. */
import http from 'node:http';
import { openSqliteBackend, type RelayServer, type RelayServerOptions, type Storage } from '../../server';
import type { TestRedis } from './redis';
import { startTestServer, tempDir } from './server';

/** Cheap scrypt for tests. */
export const passwordCost = { N: 1024, r: 8, p: 1 };
/** Short presence times, so a dead node's users go offline within 400 + 100 ms. */
export const FAST_PRESENCE = { refreshMs: 100, ttlMs: 400, sweepMs: 100 };

export function getJson(url: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (response) => {
        let text = '';
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () => resolve(JSON.parse(text) as Record<string, unknown>));
      })
      .on('error', reject);
  });
}

export function healthOf(server: RelayServer): Promise<Record<string, unknown>> {
  return getJson(`${server.url.replace('ws:', 'http:')}/healthz`);
}

/** A cluster of nodes for one test: its own data folder and its own Redis key prefix. */
export class TestCluster {
  private static count = 0;
  readonly servers: RelayServer[] = [];
  readonly data = tempDir();
  readonly prefix = `test${++TestCluster.count}:`;

  /** `open` gives each node its storage, all on one store: by default the SQLite store in `data`. */
  constructor(
    readonly redis: TestRedis,
    readonly open: () => Promise<Storage> = async () => openSqliteBackend({ dataDir: this.data.path }),
  ) {}

  async node(extra: RelayServerOptions = {}): Promise<RelayServer> {
    const server = await startTestServer({
      storage: await this.open(),
      controlSocket: false,
      passwordCost,
      redis: { url: this.redis.socket, prefix: this.prefix, presence: FAST_PRESENCE },
      ...extra,
    });
    this.servers.push(server);
    return server;
  }

  async nodes(count: number): Promise<RelayServer[]> {
    const started: RelayServer[] = [];
    for (let i = 0; i < count; i++) started.push(await this.node());
    return started;
  }

  async close(): Promise<void> {
    await Promise.all(this.servers.splice(0).map((server) => server.close()));
    this.data.remove();
  }
}
