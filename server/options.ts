import { LIMITS } from '../protocol';
import type { AdmissionLimits } from './admission';
import type { AttemptLimiter } from './attempt-limiter';
import type { RegistrationPolicy } from './authentication';
import type { ScryptCost } from './identity/passwords';
import type { TlsFiles } from './tls';
import type { Broker, PresenceManager } from './broker/broker';
import type { RedisSettings } from './redis-cluster';
import type { RateLimit } from './rate-limiter';
import type { IdentityStore } from './identity/identity-store';
import type { ChannelStore } from './store/channel-store';
import type { MessageStore } from './store/message-store';
import { DEFAULT_GROUP_COMMIT } from './store/sqlite-store';

/** Where messages, accounts and channels live, and how to let go of them. */
export interface Storage {
  store: MessageStore;
  identity: IdentityStore;
  channels: ChannelStore;
  /** Waits for pending writes, then closes; the server calls it on shutdown. */
  close(): Promise<void>;
}

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
}

export interface RelayServerOptions {
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** Default 4446; 0 picks a free port. */
  port?: number;
  /** Folder of the embedded SQLite store. Without it (and without `storage`) everything lives in memory only. */
  dataDir?: string;
  /** 'full' fsyncs every commit: survives power loss, not only a crash of the process. Default 'normal'. */
  synchronous?: 'normal' | 'full';
  /** (new) The embedded store's group commit window: appends within it share one commit. Default 2; 0: one commit per event-loop turn. */
  commitWindowMs?: number;
  /** Any other storage instead of the embedded SQLite one; the server closes it on shutdown. */
  storage?: Storage;
  broker?: Broker;
  presence?: PresenceManager;
  /**
   * (new) Share fan-out, presence and sign-in limits with the other nodes on the same store
   * through this Redis; it takes the place of `broker`, `presence` and `attemptLimiter`.
   */
  redis?: RedisSettings;
  /** (new) How long a missing message seq may stay missing before the store is asked for it (catch-up.ts). Default 1 s. */
  catchUpGapMs?: number;
  /** Per-connection token bucket over incoming frames. Default a burst of 30 and 10 per second. */
  rateLimit?: RateLimit;
  /** A connection whose unread output passes this is dropped. Default 1 MiB. */
  maxBufferedBytes?: number;
  /** Interval of the ping that finds dead peers; one is dropped after two silent intervals. Default 15 s. */
  heartbeatMs?: number;
  /** Time allowed for the first frame, `hello`. Default 10 s. */
  helloTimeoutMs?: number;
  /** Who may register. Default open on a loopback `host`, invite on any other. */
  registration?: RegistrationPolicy;
  /** scrypt cost for new password hashes. Default OWASP's minimum; tests lower it. */
  passwordCost?: ScryptCost;
  /** The ws:// or wss:// URL clients reach the server at, for invite links (http(s):// is turned into it). Default: derived from `host`, the port and `tls`. */
  publicUrl?: string;
  /** Serve wss:// and https:// with this PEM certificate and key. */
  tls?: TlsFiles;
  /** Listen beyond loopback without TLS (refused otherwise). */
  insecure?: boolean;
  /** Failed sign-ins per name and address; default in memory (one node). */
  attemptLimiter?: AttemptLimiter;
  /** Take the client's address from X-Forwarded-For (set by a reverse proxy you run). Default false. */
  trustProxy?: boolean;
  /** Not-yet-welcomed connections allowed per remote address and in all. Default 32 and 1024. */
  pendingLimits?: AdmissionLimits;
  /** Time a connection gets to send its complete upgrade request. Default 10 s. */
  headersTimeoutMs?: number;
  /** Browser origins (scheme://host[:port]) that may connect besides the server's own. */
  allowOrigins?: readonly string[];
  /**
   * The administration socket that `relay-chat-server release` reaches a running server by.
   * Default: `control.sock` in `dataDir` when there is one; false for none.
   */
  controlSocket?: string | false;
  /** (new) Who may mention `@channel`: admins always, others in channels of at most this many members. Default 50; 0: admins only. */
  channelMentionMaxMembers?: number;
  logger?: Logger;
}

export const DEFAULTS = {
  host: '127.0.0.1',
  port: 4446,
  rateLimit: { burst: 30, perSecond: 10 },
  maxBufferedBytes: 1024 * 1024,
  heartbeatMs: 15_000,
  helloTimeoutMs: LIMITS.helloTimeoutMs,
  pendingLimits: { perAddress: 32, total: 1024 },
  headersTimeoutMs: 10_000,
  channelMentionMaxMembers: 50,
  commitWindowMs: DEFAULT_GROUP_COMMIT.windowMs,
} as const;

export const silentLogger: Logger = { info() {}, warn() {} };
