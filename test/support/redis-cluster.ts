/** Several real servers in this process on one test Redis and one shared SQLite data folder. */
import { openSqliteBackend, type RelayServer, type RelayServerOptions, type Storage } from '../../server';
import { requireRedisServer, startTestRedis, type TestRedis } from './redis';
import { getJson } from './relay-client-waits';
import { startTestServer, tempDir } from './server';

/** Cheap scrypt for tests. */
export const passwordCost = { N: 1024, r: 8, p: 1 };
/** Short presence times, so a dead node's users go offline within 400 + 100 ms. */
export const FAST_PRESENCE = { refreshMs: 100, ttlMs: 400, sweepMs: 100 };

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

/** What useTestCluster's hooks set up: the suite's Redis, and the cluster of the test running. */
export interface ClusterSuite {
  redis: TestRedis;
  cluster: TestCluster;
}

/**
 * Mocha hooks for a suite of cluster tests: one test Redis for the whole suite (skipped, or failed
 * in CI, when redis-server is missing: requireRedisServer) and a fresh cluster for each test, its
 * nodes on the storage that `storageForTest` gives (by default the cluster's own SQLite folder).
 */
export function useTestCluster(storageForTest?: () => Promise<() => Promise<Storage>>): ClusterSuite {
  const suite = {} as ClusterSuite;
  before(async function () {
    requireRedisServer(this);
    suite.redis = await startTestRedis();
  });
  after(() => suite.redis?.stop());
  beforeEach(async () => {
    suite.cluster = new TestCluster(suite.redis, await storageForTest?.());
  });
  afterEach(() => suite.cluster?.close());
  return suite;
}
