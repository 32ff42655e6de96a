/**
 * Cluster-wide presence in Redis, that expires. Each node keeps its online users in a hash of
 * its own (key → display name) and its entry in a sorted set of nodes, scored with the time it
 * expires: every `refreshMs` the node moves that time to now + `ttlMs`. A node whose time has
 * passed is dead: online() is the union over the live nodes only, so its users drop out of
 * every list at once. Every `sweepMs` each node runs the sweep, one atomic script, which takes
 * the dead nodes' entries away and returns their users who are not online through a live node;
 * the node whose sweep removed them (so exactly one node) announces them offline.
 *
 * The bound: a node that dies last refreshed at most `refreshMs` before, so its users are out
 * of online() within `ttlMs` and announced offline to everyone within `ttlMs + sweepMs` of its
 * death (default 15 s + 5 s). Times are Redis's own clock (TIME), so the nodes' clocks do not matter.
 *
 * A node whose entry expired while it lived (Redis away for longer than the TTL, a long pause)
 * finds so at its next refresh, writes its users again, and announces those online again.
 */
import type { PresenceChange, PresenceManager } from './broker';
import { DEFAULT_REDIS_PREFIX } from './redis-broker';
import type { RedisConnections } from './redis-connection';
import { silentLogger, type Logger } from '../options';

export const PRESENCE_DEFAULTS = { refreshMs: 5000, ttlMs: 15_000, sweepMs: 5000 } as const;
/** A dead node's hash outlives its entry this many TTLs, so the sweep can still read it; then Redis drops it. */
const KEEP_TTLS = 10;

export interface RedisPresenceOptions {
  nodeId: string;
  prefix?: string;
  refreshMs?: number;
  ttlMs?: number;
  sweepMs?: number;
  logger?: Logger;
}

/** Milliseconds on Redis's clock. */
const NOW = `local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;
/** Whether key ARGV[2] is in the hash of a live node other than ARGV[1]; KEYS[1] the node set, ARGV[3] the hash prefix. */
const ELSEWHERE = `
local function elsewhere(key, node, hashPrefix, now)
  for _, other in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf')) do
    if other ~= node and redis.call('HEXISTS', hashPrefix .. other, key) == 1 then return true end
  end
  return false
end`;

const SCRIPTS = {
  /** ARGV: node, key, name, hashPrefix, ttl, keep → {news (1: offline everywhere before), live (1: this node's entry had not expired)} */
  presenceJoin: `${NOW} ${ELSEWHERE}
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
local live = score and tonumber(score) > now
local other = elsewhere(ARGV[2], ARGV[1], ARGV[4], now)
local added = redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[6])
if live then redis.call('ZADD', KEYS[1], now + tonumber(ARGV[5]), ARGV[1]) end
return {(not other and added == 1) and 1 or 0, live and 1 or 0}`,
  /** ARGV: node, key, hashPrefix → 1 when it was here and is now offline everywhere */
  presenceLeave: `${NOW} ${ELSEWHERE}
if redis.call('HDEL', KEYS[2], ARGV[2]) == 0 then return 0 end
return elsewhere(ARGV[2], ARGV[1], ARGV[3], now) and 0 or 1`,
  /** ARGV: key, hashPrefix → 1 when online on a live node */
  presenceIsOnline: `${NOW} ${ELSEWHERE}
return elsewhere(ARGV[1], '', ARGV[2], now) and 1 or 0`,
  /** ARGV: hashPrefix → flat key, name list over the live nodes (a key may repeat) */
  presenceOnline: `${NOW}
local all = {}
for _, node in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf')) do
  local fields = redis.call('HGETALL', ARGV[1] .. node)
  for i = 1, #fields do all[#all + 1] = fields[i] end
end
return all`,
  /** ARGV: node, ttl, keep → 1 when this node's entry was still live (else the caller writes its users again) */
  presenceRefresh: `${NOW}
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return (score and tonumber(score) > now) and 1 or 0`,
  /** ARGV: node, hashPrefix, ttl, keep, then key, name pairs → flat key, name list of those not online elsewhere */
  presenceRewrite: `${NOW} ${ELSEWHERE}
redis.call('DEL', KEYS[2])
local back = {}
for i = 5, #ARGV, 2 do
  redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
  if not elsewhere(ARGV[i], ARGV[1], ARGV[2], now) then back[#back + 1] = ARGV[i] back[#back + 1] = ARGV[i + 1] end
end
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
return back`,
  /**
   * ARGV: hashPrefix, and a node id to withdraw now ('' for none) → flat key, name list of the
   * users of dead (or withdrawn) nodes who are online on no live node. Atomic: of several nodes
   * sweeping at once, one takes each dead node away and announces its users.
   */
  presenceSweep: `${NOW} ${ELSEWHERE}
local gone = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)
if ARGV[2] ~= '' then gone[#gone + 1] = ARGV[2] end
local users = {}
for _, node in ipairs(gone) do
  local fields = redis.call('HGETALL', ARGV[1] .. node)
  for i = 1, #fields, 2 do users[fields[i]] = fields[i + 1] end
  redis.call('DEL', ARGV[1] .. node)
  redis.call('ZREM', KEYS[1], node)
end
local offline = {}
for key, name in pairs(users) do
  if not elsewhere(key, '', ARGV[1], now) then offline[#offline + 1] = key offline[#offline + 1] = name end
end
return offline`,
} as const;

type ScriptName = keyof typeof SCRIPTS;

export class RedisPresence implements PresenceManager {
  /** This node's online users, key → name: what it writes again after its entry expired. */
  private readonly local = new Map<string, string>();
  private readonly listeners = new Set<(change: PresenceChange) => void>();
  private readonly nodeId: string;
  private readonly nodesKey: string;
  private readonly hashPrefix: string;
  private readonly hashKey: string;
  private readonly refreshMs: number;
  private readonly ttlMs: number;
  private readonly sweepMs: number;
  private readonly logger: Logger;
  private readonly timers: NodeJS.Timeout[] = [];
  private rewriting: Promise<void> | undefined;

  private constructor(
    private readonly redis: RedisConnections,
    options: RedisPresenceOptions,
  ) {
    const prefix = options.prefix ?? DEFAULT_REDIS_PREFIX;
    this.nodeId = options.nodeId;
    this.nodesKey = `${prefix}presence:nodes`;
    this.hashPrefix = `${prefix}presence:node:`;
    this.hashKey = this.hashPrefix + this.nodeId;
    this.refreshMs = options.refreshMs ?? PRESENCE_DEFAULTS.refreshMs;
    this.ttlMs = options.ttlMs ?? PRESENCE_DEFAULTS.ttlMs;
    this.sweepMs = options.sweepMs ?? PRESENCE_DEFAULTS.sweepMs;
    if (!(this.refreshMs > 0 && this.sweepMs > 0 && this.ttlMs > this.refreshMs)) {
      throw new Error(`presence: the TTL (${this.ttlMs} ms) must be longer than the refresh interval (${this.refreshMs} ms)`);
    }
    this.logger = options.logger ?? silentLogger;
    for (const [name, source] of Object.entries(SCRIPTS)) redis.commands.defineCommand(name, { numberOfKeys: 2, lua: source });
  }

  /** Enters this node (with nobody online yet) and starts refreshing and sweeping. */
  static async open(redis: RedisConnections, options: RedisPresenceOptions): Promise<RedisPresence> {
    const presence = new RedisPresence(redis, options);
    await presence.rewrite();
    presence.every(presence.refreshMs, () => presence.refresh());
    presence.every(presence.sweepMs, () => presence.sweep());
    return presence;
  }

  /** The bound on presence after a node dies: its users are announced offline within this many milliseconds. */
  get offlineBoundMs(): number {
    return this.ttlMs + this.sweepMs;
  }

  async join(key: string, name: string): Promise<boolean> {
    this.local.set(key, name);
    const [news, live] = await this.run<[number, number]>('presenceJoin', this.nodeId, key, name, this.hashPrefix, this.ttlMs, this.keepMs);
    // This node's entry had expired: its other users are written again (and announced) at once.
    if (live !== 1) this.refresh().catch((error: unknown) => this.logger.warn(`presence in Redis: ${String(error)}`));
    return news === 1;
  }

  async leave(key: string): Promise<boolean> {
    this.local.delete(key);
    return (await this.run<number>('presenceLeave', this.nodeId, key, this.hashPrefix)) === 1;
  }

  async isOnline(key: string): Promise<boolean> {
    return (await this.run<number>('presenceIsOnline', key, this.hashPrefix)) === 1;
  }

  async online(): Promise<string[]> {
    const names = new Map<string, string>();
    for (const [key, name] of pairs(await this.run<string[]>('presenceOnline', this.hashPrefix))) names.set(key, name);
    return [...names.keys()].sort().map((key) => names.get(key)!);
  }

  onChange(listener: (change: PresenceChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * This node is going away: its entry is taken out now, and its users who are online on no
   * other node are announced offline (through onChange) instead of after the TTL. Stops the timers.
   */
  async withdraw(): Promise<void> {
    this.halt();
    this.local.clear();
    this.announce(await this.run<string[]>('presenceSweep', this.hashPrefix, this.nodeId), false);
  }

  /** Stops refreshing and sweeping without taking anything out: as if the node died (tests), or before closing Redis. */
  halt(): void {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
  }

  private get keepMs(): number {
    return this.ttlMs * KEEP_TTLS;
  }

  private every(ms: number, task: () => Promise<void>): void {
    const timer = setInterval(() => {
      task().catch((error: unknown) => this.logger.warn(`presence in Redis: ${String(error)}`));
    }, ms);
    timer.unref();
    this.timers.push(timer);
  }

  private async refresh(): Promise<void> {
    if ((await this.run<number>('presenceRefresh', this.nodeId, this.ttlMs, this.keepMs)) === 1) return;
    this.logger.warn('this node\'s presence in Redis had expired (Redis was away, or the node paused): writing it again');
    await this.rewrite(true);
  }

  /** Writes this node's users again; with `announce`, those online nowhere else are announced online. */
  private rewrite(announce = false): Promise<void> {
    this.rewriting ??= (async () => {
      try {
        const local = [...this.local].flat();
        const back = await this.run<string[]>('presenceRewrite', this.nodeId, this.hashPrefix, this.ttlMs, this.keepMs, ...local);
        if (announce) this.announce(back, true);
      } finally {
        this.rewriting = undefined;
      }
    })();
    return this.rewriting;
  }

  private async sweep(): Promise<void> {
    const offline = await this.run<string[]>('presenceSweep', this.hashPrefix, '');
    if (offline.length > 0) this.logger.info(`presence: ${offline.length / 2} user(s) of a node that stopped refreshing went offline`);
    this.announce(offline, false);
  }

  private announce(flat: string[], online: boolean): void {
    for (const [key, name] of pairs(flat)) {
      // A user who came back here meanwhile stays online; one who left here since is not announced back.
      if (online !== this.local.has(key)) continue;
      for (const listener of this.listeners) listener({ key, name, online });
    }
  }

  private run<T>(script: ScriptName, ...args: Array<string | number>): Promise<T> {
    const command = (this.redis.commands as unknown as Record<ScriptName, (...a: Array<string | number>) => Promise<T>>)[script];
    return command.call(this.redis.commands, this.nodesKey, this.hashKey, ...args);
  }
}

function* pairs(flat: readonly string[]): Generator<[string, string]> {
  for (let i = 0; i + 1 < flat.length; i += 2) yield [flat[i]!, flat[i + 1]!];
}
