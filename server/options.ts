import { LIMITS } from '../protocol';
import type { Broker, PresenceManager } from './broker/broker';
import type { RateLimit } from './rate-limiter';
import type { MessageStore } from './store/message-store';

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
}

export interface RelayServerOptions {
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** Default 4446; 0 picks a free port. */
  port?: number;
  /** Folder of the embedded SQLite store. Without it (and without `store`) history lives in memory only. */
  dataDir?: string;
  /** 'full' fsyncs every commit: survives power loss, not only a crash of the process. Default 'normal'. */
  synchronous?: 'normal' | 'full';
  /** Any other store; the server closes it on shutdown. */
  store?: MessageStore;
  broker?: Broker;
  presence?: PresenceManager;
  /** Per-connection token bucket over incoming frames. Default a burst of 30 and 10 per second. */
  rateLimit?: RateLimit;
  /** A connection whose unread output passes this is dropped. Default 1 MiB. */
  maxBufferedBytes?: number;
  /** Interval of the ping that finds dead peers; one is dropped after two silent intervals. Default 15 s. */
  heartbeatMs?: number;
  /** Time allowed for the first frame, `hello`. Default 10 s. */
  helloTimeoutMs?: number;
  /** permessage-deflate costs CPU on every frame and is off by default. */
  perMessageDeflate?: boolean;
  logger?: Logger;
}

export const DEFAULTS = {
  host: '127.0.0.1',
  port: 4446,
  rateLimit: { burst: 30, perSecond: 10 },
  maxBufferedBytes: 1024 * 1024,
  heartbeatMs: 15_000,
  helloTimeoutMs: LIMITS.helloTimeoutMs,
  perMessageDeflate: false,
} as const;

export const silentLogger: Logger = { info() {}, warn() {} };
