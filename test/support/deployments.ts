/**
 * Deployments a black-box test runs against, differing only in how a client reaches them: one
 * relay-chat-server on SQLite; three on one PostgreSQL and one Redis behind a round-robin TCP
 * balancer; the same three given to each client as a list of URLs. Clients are RelayClients
 * (protocol 2) on fast reconnect timers; each new one starts on the next node in turn.
 */
import { RelayClient, type RelayClientOptions } from '../../client/relay-client';
import { CliNode } from './cli-node';
import type { TestPostgres } from './postgres';
import type { TestRedis } from './redis';
import { TcpBalancer } from './tcp-balancer';

export interface Deployment {
  readonly label: string;
  readonly nodes: readonly CliNode[];
  /** A client, not connected yet, of this deployment; `options` override the defaults. */
  client(name: string, options?: Partial<RelayClientOptions>): RelayClient;
  close(): Promise<void>;
}

/** Short presence times for nodes that will be killed: a dead node's users go offline within TTL + refresh + a sweep. */
export const PRESENCE = { refreshMs: 200, ttlMs: 1000 };

function makeClient(url: string, name: string, options: Partial<RelayClientOptions>): RelayClient {
  return new RelayClient({ url, name, protocol: 2, reconnect: { initialDelayMs: 50, maxDelayMs: 400 }, connectTimeoutMs: 5000, ...options });
}

/** Options every node gets: room for the many connections a test opens from one address. */
const NODE_ARGS = ['--max-pending-per-address', '1000'];

export async function singleNode(): Promise<Deployment> {
  const node = await CliNode.start(NODE_ARGS);
  return {
    label: 'one node on SQLite',
    nodes: [node],
    client: (name, options = {}) => makeClient(node.url, name, options),
    close: () => node.stop(),
  };
}

let prefixes = 0;

/** `count` nodes on a new database of `postgres` and their own key prefix on `redis`. */
export async function clusterNodes(postgres: TestPostgres, redis: TestRedis, count = 3, extra: readonly string[] = []): Promise<CliNode[]> {
  const store = await postgres.createDatabase();
  const args = [
    ...NODE_ARGS,
    '--store', store,
    '--redis', redis.socket,
    '--redis-prefix', `cluster${++prefixes}-${process.pid}:`,
    '--presence-refresh-ms', String(PRESENCE.refreshMs),
    '--presence-ttl-ms', String(PRESENCE.ttlMs),
    ...extra,
  ];
  // The first applies the schema; the others then find it (concurrent starts are migrate's own test).
  const first = await CliNode.start(args);
  const others = await Promise.all(Array.from({ length: count - 1 }, () => CliNode.start(args)));
  return [first, ...others];
}

export async function clusterBehindBalancer(postgres: TestPostgres, redis: TestRedis): Promise<Deployment> {
  const nodes = await clusterNodes(postgres, redis);
  const balancer = await TcpBalancer.start(nodes.map((node) => ({ host: '127.0.0.1', port: node.port })));
  return {
    label: 'three nodes on PostgreSQL and Redis behind a TCP load balancer',
    nodes,
    client: (name, options = {}) => makeClient(balancer.url, name, options),
    close: async () => {
      await balancer.close();
      await Promise.all(nodes.map((node) => node.stop()));
    },
  };
}

/** Each client is given every node's URL, starting from the next node in turn. */
export function urlListClient(nodes: readonly CliNode[]): (name: string, options?: Partial<RelayClientOptions>) => RelayClient {
  let turn = 0;
  return (name, options = {}) => {
    const first = turn++ % nodes.length;
    const urls = [...nodes.slice(first), ...nodes.slice(0, first)].map((node) => node.url);
    return makeClient(urls[0]!, name, { otherNodes: urls.slice(1), ...options });
  };
}

export async function clusterByUrlList(postgres: TestPostgres, redis: TestRedis): Promise<Deployment> {
  const nodes = await clusterNodes(postgres, redis);
  return {
    label: 'three nodes on PostgreSQL and Redis, each client given their URLs',
    nodes,
    client: urlListClient(nodes),
    close: async () => {
      await Promise.all(nodes.map((node) => node.stop()));
    },
  };
}
