/** Parses `relay-chat-server` arguments and environment into what the CLI should do. */
import { parseArgs } from 'node:util';
import { isValidName, quote } from '../protocol';
import type { AdminAction } from './admin';
import { REGISTRATION_POLICIES, type RegistrationPolicy } from './authentication';
import { defaultRegistration } from './listen-address';
import { DEFAULTS } from './options';
import { normaliseOrigin } from './origin-policy';
import { normalisePublicUrl } from './public-url';
import { parseRedisTarget } from './broker/redis-connection';
import { PRESENCE_DEFAULTS } from './broker/redis-presence';
import type { RedisSettings } from './redis-cluster';

export const DEFAULT_DATA_DIR = 'relay-chat-data';
const POSTGRES_URL = /^postgres(ql)?:\/\//i;

export const USAGE = `Usage:
  relay-chat-server [options]          run the server
  relay-chat-server user add NAME [--admin]
                                       make an account; its password is read from stdin
  relay-chat-server user list | user passwd NAME | user remove NAME
                                       list accounts; set a password (read from stdin); remove an
                                       account, its devices and private history (also: release NAME)
  relay-chat-server user disable NAME | user enable NAME
                                       stop an account signing in (its devices are disconnected;
                                       the name stays reserved); let it sign in again
  relay-chat-server sessions list NAME | sessions revoke NAME (ID | --all)
                                       the devices NAME is signed in on; sign one or all out
  relay-chat-server invite [--uses N] [--expires 7d] [--url URL] | invite list | invite revoke ID
                                       an invite code and its link for VS Code (default 1 use,
                                       7 days); the link names the running server's URL, or --url
  relay-chat-server migrate             bring the store's schema up to date (safe from several nodes at once)
  relay-chat-server import --from-sqlite DIR --store URL
                                       move the SQLite store in DIR (accounts, devices, invites,
                                       channels, read state, history) into an empty PostgreSQL
Each takes --data DIR; on a running server's DIR it goes through that server, which closes the
connections of the devices it signs out at once. With --store, those without a running server
act on PostgreSQL.

Options (environment variables in brackets):
  --registration open|invite|closed
                          who may register: anyone, with an invite and a password, or only
                          accounts made with user add (default open on loopback, invite on any
                          other interface) [RELAY_CHAT_REGISTRATION]
  --public-url URL        the ws:// or wss:// URL clients reach this server at, for invite links
                          (default from --host, --port and TLS; every interface: this machine's
                          name) [RELAY_CHAT_PUBLIC_URL]
  --host HOST             interface to listen on (default ${DEFAULTS.host}) [RELAY_CHAT_HOST]
  --port PORT             port, 0 picks a free one (default ${DEFAULTS.port}) [RELAY_CHAT_PORT]
  --data DIR              folder of the embedded store (default ./${DEFAULT_DATA_DIR}) [RELAY_CHAT_DATA]
  --sync normal|full      full fsyncs every commit to survive power loss (default normal) [RELAY_CHAT_SYNC]
  --store URL             keep everything in PostgreSQL (postgres://user@host/db; TLS by its sslmode)
                          instead of the embedded SQLite store in --data, so several nodes can
                          share it [RELAY_CHAT_STORE]
  --store-ca FILE         the PEM CA that signed PostgreSQL's certificate (sets sslmode=verify-full
                          unless the URL names one) [RELAY_CHAT_STORE_CA]
  --commit-window-ms MS   messages sent within MS of the last commit share the next one, acked
                          after it (default ${DEFAULTS.commitWindowMs}; 0: one commit per event-loop turn) [RELAY_CHAT_COMMIT_WINDOW_MS]
  --rate-burst N          frames a connection may send at once (default ${DEFAULTS.rateLimit.burst}) [RELAY_CHAT_RATE_BURST]
  --rate-per-second N     frames per second after the burst (default ${DEFAULTS.rateLimit.perSecond}) [RELAY_CHAT_RATE_PER_SECOND]
  --max-buffered BYTES    drop a client whose unread output passes this (default ${DEFAULTS.maxBufferedBytes}) [RELAY_CHAT_MAX_BUFFERED]
  --allow-origin ORIGIN   a browser origin (https://host[:port]) that may connect besides the server's own;
                          repeatable [RELAY_CHAT_ALLOW_ORIGIN, comma-separated]
  --max-pending-per-address N
                          connections not yet welcomed that one address may hold (default ${DEFAULTS.pendingLimits.perAddress}) [RELAY_CHAT_MAX_PENDING_PER_ADDRESS]
  --max-pending N         connections not yet welcomed in all (default ${DEFAULTS.pendingLimits.total}) [RELAY_CHAT_MAX_PENDING]
  --tls-cert FILE --tls-key FILE
                          serve wss:// and https:// with this PEM certificate and key; SIGHUP reads
                          them again [RELAY_CHAT_TLS_CERT, RELAY_CHAT_TLS_KEY]
  --insecure              listen beyond loopback without TLS (refused otherwise) [RELAY_CHAT_INSECURE=1]
  --trust-proxy           take client addresses (for sign-in limits) from X-Forwarded-For, as set by
                          a reverse proxy you run in front [RELAY_CHAT_TRUST_PROXY=1]
  --headers-timeout-ms MS time a connection gets to send its upgrade request (default ${DEFAULTS.headersTimeoutMs}) [RELAY_CHAT_HEADERS_TIMEOUT_MS]
  --channel-mention-max-members N
                          who may mention @channel: admins always, others in channels of at most N
                          members (default ${DEFAULTS.channelMentionMaxMembers}; 0: admins only) [RELAY_CHAT_CHANNEL_MENTION_MAX_MEMBERS]
  --redis URL             (new) run as one of several nodes on one store: share fan-out, presence and
                          sign-in limits through this Redis: redis://[user:password@]host[:port][/db],
                          rediss://… for TLS, or a unix socket path (default: none, all in this
                          process) [RELAY_CHAT_REDIS]
  --redis-ca FILE         (new) a PEM CA certificate to trust for rediss:// besides the system's [RELAY_CHAT_REDIS_CA]
  --redis-prefix PREFIX   (new) prefix of every Redis key and channel, so installations can share one
                          Redis (default relay-chat:) [RELAY_CHAT_REDIS_PREFIX]
  --presence-refresh-ms MS --presence-ttl-ms MS
                          (new) with --redis: how often a node renews its users' presence, and how long
                          it lasts unrenewed; a dead node's users go offline everywhere within TTL +
                          refresh (default ${PRESENCE_DEFAULTS.ttlMs} + ${PRESENCE_DEFAULTS.refreshMs}) [RELAY_CHAT_PRESENCE_REFRESH_MS, RELAY_CHAT_PRESENCE_TTL_MS]
  --help                  show this help
  --version               show the version`;

export interface ServeCommand {
  command: 'serve';
  host: string;
  port: number;
  dataDir: string;
  synchronous: 'normal' | 'full';
  commitWindowMs: number;
  rateLimit: { burst: number; perSecond: number };
  maxBufferedBytes: number;
  allowOrigins: string[];
  pendingLimits: { perAddress: number; total: number };
  headersTimeoutMs: number;
  channelMentionMaxMembers: number;
  trustProxy: boolean;
  tls?: { certFile: string; keyFile: string };
  insecure: boolean;
  registration: RegistrationPolicy;
  publicUrl?: string;
  /** PostgreSQL instead of the SQLite store in dataDir. */
  store?: StoreConfig;
  /** Share fan-out, presence and sign-in limits with the other nodes through Redis. */
  redis?: RedisSettings;
}

export interface StoreConfig {
  url: string;
  caFile?: string;
}

/** An admin action before its password, read from stdin, is hashed in. */
export type AdminPlan = AdminAction extends infer A ? (A extends { passwordHash: string } ? Omit<A, 'passwordHash'> : A) : never;

export type CliCommand =
  | ServeCommand
  | { command: 'admin'; plan: AdminPlan; dataDir: string; store?: StoreConfig }
  | { command: 'migrate'; dataDir: string; store?: StoreConfig }
  | { command: 'import'; fromSqlite: string; store: StoreConfig }
  | { command: 'help' }
  | { command: 'version' };

export class UsageError extends Error {}

function integer(value: string, what: string, min: number, max: number): number {
  if (!/^\d+$/.test(value.trim())) throw new UsageError(`${what} must be a whole number, got "${value}"`);
  const number = Number(value);
  if (number < min || number > max) throw new UsageError(`${what} must be between ${min} and ${max}, got ${number}`);
  return number;
}

function tlsFiles(certFile: string | undefined, keyFile: string | undefined): { tls?: { certFile: string; keyFile: string } } {
  if (certFile === undefined && keyFile === undefined) return {};
  if (certFile === undefined || keyFile === undefined) throw new UsageError('--tls-cert and --tls-key go together');
  return { tls: { certFile, keyFile } };
}

function registrationPolicy(value: string): RegistrationPolicy {
  if (!(REGISTRATION_POLICIES as readonly string[]).includes(value)) {
    throw new UsageError(`--registration must be ${REGISTRATION_POLICIES.join(', ')}; got ${quote(value)}`);
  }
  return value as RegistrationPolicy;
}

function serverUrl(value: string, flag: string): string {
  try {
    return normalisePublicUrl(value);
  } catch (error) {
    throw new UsageError(`${flag}: ${(error as Error).message}`);
  }
}

function nameArgument(value: string | undefined, what: string): string {
  if (value === undefined) throw new UsageError(`${what} takes a NAME`);
  if (!isValidName(value)) throw new UsageError(`${quote(value)} is not a valid name: 1 to 32 ASCII letters, digits, "_", "-" and "."`);
  return value;
}

const DURATION = /^(\d+)([dhm])$/;
const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000 } as const;

/** 7d, 12h, 30m: how long an invite lasts, at most a year. */
function duration(value: string): number {
  const match = DURATION.exec(value);
  const ms = match ? Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS] : NaN;
  if (!(ms > 0 && ms <= 366 * UNIT_MS.d)) throw new UsageError(`--expires takes a time like 7d, 12h or 30m (at most a year); got ${quote(value)}`);
  return ms;
}

function adminPlan(positionals: string[], values: { admin?: boolean; all?: boolean; uses?: string; expires?: string; url?: string }): AdminPlan {
  const [group, verb, subject, extra] = positionals;
  const exactly = (count: number, form: string): void => {
    if (positionals.length !== count) throw new UsageError(`usage: relay-chat-server ${form}`);
  };
  if (group === 'release') {
    const name = nameArgument(verb, 'release');
    exactly(2, 'release NAME');
    return { kind: 'user-remove', name };
  }
  if (group === 'invite' && (verb === undefined || verb.startsWith('-'))) {
    exactly(1, 'invite [--uses N] [--expires 7d] [--url URL]');
    return {
      kind: 'invite-create',
      uses: integer(values.uses ?? '1', '--uses', 1, 1_000_000),
      expiresAt: Date.now() + duration(values.expires ?? '7d'),
      ...(values.url !== undefined ? { url: serverUrl(values.url, '--url') } : {}),
    };
  }
  const named = (form: string): string => {
    const name = nameArgument(subject, `${group} ${verb}`);
    exactly(3, form);
    return name;
  };
  switch (`${group} ${verb}`) {
    case 'user add':
      return { kind: 'user-add', name: named('user add NAME [--admin]'), admin: values.admin ?? false };
    case 'user list':
      exactly(2, 'user list');
      return { kind: 'user-list' };
    case 'user passwd':
      return { kind: 'user-passwd', name: named('user passwd NAME') };
    case 'user remove':
      return { kind: 'user-remove', name: named('user remove NAME') };
    case 'user disable':
      return { kind: 'user-disable', name: named('user disable NAME') };
    case 'user enable':
      return { kind: 'user-enable', name: named('user enable NAME') };
    case 'sessions list':
      return { kind: 'sessions-list', name: named('sessions list NAME') };
    case 'sessions revoke': {
      const name = nameArgument(subject, 'sessions revoke');
      if (values.all && positionals.length === 3) return { kind: 'sessions-revoke', name, device: 'all' };
      exactly(4, 'sessions revoke NAME (ID | --all)');
      return { kind: 'sessions-revoke', name, device: integer(extra!, 'the device id', 1, Number.MAX_SAFE_INTEGER) };
    }
    case 'invite list':
      exactly(2, 'invite list');
      return { kind: 'invite-list' };
    case 'invite revoke':
      exactly(3, 'invite revoke ID');
      return { kind: 'invite-revoke', id: integer(subject ?? '', 'the invite id', 1, Number.MAX_SAFE_INTEGER) };
    default:
      throw new UsageError(`unknown command ${quote(positionals.join(' '), 60)}`);
  }
}

function storeConfig(url: string | undefined, caFile: string | undefined): { store?: StoreConfig } {
  if (url === undefined) {
    if (caFile !== undefined) throw new UsageError('--store-ca goes with --store');
    return {};
  }
  if (!POSTGRES_URL.test(url)) throw new UsageError('--store takes a PostgreSQL URL: postgres://user@host/database');
  return { store: { url, ...(caFile !== undefined ? { caFile } : {}) } };
}

function splitList(value: string | undefined): string[] {
  return value === undefined ? [] : value.split(',').map((item) => item.trim()).filter(Boolean);
}

function origins(values: string[]): string[] {
  return values.map((value) => {
    try {
      return normaliseOrigin(value);
    } catch (error) {
      throw new UsageError(`--allow-origin: ${(error as Error).message}`);
    }
  });
}

export function parseCli(argv: string[], env: NodeJS.ProcessEnv): CliCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        data: { type: 'string' },
        sync: { type: 'string' },
        'commit-window-ms': { type: 'string' },
        'rate-burst': { type: 'string' },
        'rate-per-second': { type: 'string' },
        'max-buffered': { type: 'string' },
        'allow-origin': { type: 'string', multiple: true },
        'max-pending-per-address': { type: 'string' },
        'max-pending': { type: 'string' },
        'headers-timeout-ms': { type: 'string' },
        'channel-mention-max-members': { type: 'string' },
        'trust-proxy': { type: 'boolean' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        insecure: { type: 'boolean' },
        registration: { type: 'string' },
        'public-url': { type: 'string' },
        redis: { type: 'string' },
        'redis-ca': { type: 'string' },
        'redis-prefix': { type: 'string' },
        'presence-refresh-ms': { type: 'string' },
        'presence-ttl-ms': { type: 'string' },
        admin: { type: 'boolean' },
        all: { type: 'boolean' },
        uses: { type: 'string' },
        expires: { type: 'string' },
        url: { type: 'string' },
        store: { type: 'string' },
        'store-ca': { type: 'string' },
        'from-sqlite': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { command: 'help' };
  if (values.version) return { command: 'version' };
  const dataDir = values.data ?? env.RELAY_CHAT_DATA ?? DEFAULT_DATA_DIR;

  const store = storeConfig(values.store ?? env.RELAY_CHAT_STORE, values['store-ca'] ?? env.RELAY_CHAT_STORE_CA);
  if (positionals[0] === 'migrate') {
    if (positionals.length !== 1) throw new UsageError('usage: relay-chat-server migrate [--store URL | --data DIR]');
    return { command: 'migrate', dataDir, ...store };
  }
  if (positionals[0] === 'import') {
    const fromSqlite = values['from-sqlite'];
    if (positionals.length !== 1 || fromSqlite === undefined || !store.store) {
      throw new UsageError('usage: relay-chat-server import --from-sqlite DIR --store URL');
    }
    return { command: 'import', fromSqlite, store: store.store };
  }
  if (positionals.length > 0) return { command: 'admin', plan: adminPlan(positionals, values), dataDir, ...store };

  const sync = values.sync ?? env.RELAY_CHAT_SYNC ?? 'normal';
  if (sync !== 'normal' && sync !== 'full') throw new UsageError(`--sync must be normal or full, got "${sync}"`);
  const setting = (flag: string | undefined, variable: string, fallback: number): string =>
    flag ?? env[variable] ?? String(fallback);
  const host = values.host ?? env.RELAY_CHAT_HOST ?? DEFAULTS.host;
  const registration = values.registration ?? env.RELAY_CHAT_REGISTRATION;
  const publicUrl = values['public-url'] ?? env.RELAY_CHAT_PUBLIC_URL;
  return {
    command: 'serve',
    host,
    port: integer(setting(values.port, 'RELAY_CHAT_PORT', DEFAULTS.port), 'port', 0, 65535),
    dataDir,
    synchronous: sync,
    commitWindowMs: integer(setting(values['commit-window-ms'], 'RELAY_CHAT_COMMIT_WINDOW_MS', DEFAULTS.commitWindowMs), 'commit window', 0, 1000),
    rateLimit: {
      burst: integer(setting(values['rate-burst'], 'RELAY_CHAT_RATE_BURST', DEFAULTS.rateLimit.burst), 'rate burst', 1, 1e9),
      perSecond: integer(
        setting(values['rate-per-second'], 'RELAY_CHAT_RATE_PER_SECOND', DEFAULTS.rateLimit.perSecond),
        'rate per second',
        1,
        1e9,
      ),
    },
    maxBufferedBytes: integer(
      setting(values['max-buffered'], 'RELAY_CHAT_MAX_BUFFERED', DEFAULTS.maxBufferedBytes),
      'max buffered bytes',
      1024,
      2 ** 31,
    ),
    allowOrigins: origins(values['allow-origin'] ?? splitList(env.RELAY_CHAT_ALLOW_ORIGIN)),
    pendingLimits: {
      perAddress: integer(
        setting(values['max-pending-per-address'], 'RELAY_CHAT_MAX_PENDING_PER_ADDRESS', DEFAULTS.pendingLimits.perAddress),
        'max pending per address',
        1,
        1e6,
      ),
      total: integer(setting(values['max-pending'], 'RELAY_CHAT_MAX_PENDING', DEFAULTS.pendingLimits.total), 'max pending', 1, 1e6),
    },
    headersTimeoutMs: integer(
      setting(values['headers-timeout-ms'], 'RELAY_CHAT_HEADERS_TIMEOUT_MS', DEFAULTS.headersTimeoutMs),
      'headers timeout',
      100,
      600_000,
    ),
    channelMentionMaxMembers: integer(
      setting(values['channel-mention-max-members'], 'RELAY_CHAT_CHANNEL_MENTION_MAX_MEMBERS', DEFAULTS.channelMentionMaxMembers),
      'channel mention max members',
      0,
      1e9,
    ),
    trustProxy: values['trust-proxy'] ?? env.RELAY_CHAT_TRUST_PROXY === '1',
    ...tlsFiles(values['tls-cert'] ?? env.RELAY_CHAT_TLS_CERT, values['tls-key'] ?? env.RELAY_CHAT_TLS_KEY),
    insecure: values.insecure ?? env.RELAY_CHAT_INSECURE === '1',
    registration: registration !== undefined ? registrationPolicy(registration) : defaultRegistration(host),
    ...(publicUrl !== undefined ? { publicUrl: serverUrl(publicUrl, '--public-url') } : {}),
    ...store,
    ...redisSettings(values.redis ?? env.RELAY_CHAT_REDIS, values['redis-ca'] ?? env.RELAY_CHAT_REDIS_CA, {
      refresh: values['presence-refresh-ms'] ?? env.RELAY_CHAT_PRESENCE_REFRESH_MS,
      ttl: values['presence-ttl-ms'] ?? env.RELAY_CHAT_PRESENCE_TTL_MS,
      prefix: values['redis-prefix'] ?? env.RELAY_CHAT_REDIS_PREFIX,
    }),
  };
}

/** A key prefix: printable ASCII without spaces, at most 64 characters. */
const REDIS_PREFIX = /^[!-~]{1,64}$/;

function redisSettings(
  url: string | undefined,
  caFile: string | undefined,
  more: { refresh?: string; ttl?: string; prefix?: string },
): { redis?: RedisSettings } {
  if (url === undefined || url === '') {
    if (caFile !== undefined) throw new UsageError('--redis-ca goes with --redis rediss://…');
    if (more.refresh !== undefined || more.ttl !== undefined || more.prefix !== undefined) {
      throw new UsageError('--redis-prefix, --presence-refresh-ms and --presence-ttl-ms go with --redis');
    }
    return {};
  }
  if (more.prefix !== undefined && !REDIS_PREFIX.test(more.prefix)) {
    throw new UsageError(`--redis-prefix takes 1 to 64 printable ASCII characters without spaces; got ${quote(more.prefix, 80)}`);
  }
  const timing = more;
  const refreshMs = integer(timing.refresh ?? String(PRESENCE_DEFAULTS.refreshMs), 'presence refresh', 50, 600_000);
  const ttlMs = integer(timing.ttl ?? String(PRESENCE_DEFAULTS.ttlMs), 'presence TTL', 100, 3_600_000);
  if (ttlMs <= refreshMs) throw new UsageError(`the presence TTL (${ttlMs} ms) must be longer than its refresh (${refreshMs} ms)`);
  const presence = { refreshMs, ttlMs, sweepMs: refreshMs };
  let parsed;
  try {
    parsed = parseRedisTarget(url);
  } catch (error) {
    throw new UsageError(`--redis: ${(error as Error).message}`);
  }
  const settings: RedisSettings = { url, presence, ...(more.prefix !== undefined ? { prefix: more.prefix } : {}) };
  if (caFile === undefined) return { redis: settings };
  if (!parsed.options.tls) throw new UsageError('--redis-ca is for TLS: give a rediss:// URL');
  return { redis: { ...settings, caFile } };
}
