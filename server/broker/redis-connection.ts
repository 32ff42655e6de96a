/**
 * Where Redis is, and the two connections a node keeps to it: one for commands and PUBLISH
 * (presence, sign-in limits, events), one that only SUBSCRIBEs (a subscribed connection can
 * run nothing else). ioredis reconnects both by itself; commands given while Redis is away
 * wait in its offline queue and go out once it is back.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import Redis, { type RedisOptions } from 'ioredis';

const QUIT_WAIT_MS = 1000;

export interface RedisTarget {
  /** redis:// or rediss:// URL, or a unix socket path. */
  url: string;
  /** PEM CA certificate file to trust for rediss:// besides the system's. */
  caFile?: string;
}

export interface RedisConnections {
  readonly commands: Redis;
  readonly subscriber: Redis;
  /** Where it is, for messages: the URL without its password. */
  readonly where: string;
  /** The last connection error, to say why Redis cannot be reached. */
  readonly lastError: string | undefined;
  close(): Promise<void>;
}

/** Checks a --redis value: a redis:// or rediss:// URL, or an absolute unix socket path (also as unix:///path). Throws a readable Error. */
export function parseRedisTarget(value: string): { options: RedisOptions; where: string } {
  const text = value.trim();
  if (text.startsWith('/') || text.startsWith('unix://')) {
    const socket = text.startsWith('unix://') ? text.slice('unix://'.length) : text;
    if (!path.isAbsolute(socket)) throw new Error(`a Redis unix socket must be an absolute path; got ${bounded(value)}`);
    return { options: { path: socket }, where: socket };
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`not a Redis URL: ${bounded(value)}; give redis://host[:port][/db], rediss://… for TLS, or a unix socket path`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new Error(`a Redis URL starts with redis:// or rediss:// (TLS); got ${bounded(url.protocol)}//`);
  }
  if (!url.hostname) throw new Error('the Redis URL has no host');
  const db = url.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d{1,2}$/.test(db)) throw new Error(`the Redis database after the host must be a number; got ${bounded(db)}`);
  const options: RedisOptions = {
    host: hostOf(url),
    port: url.port ? Number(url.port) : 6379,
    ...(db !== '' ? { db: Number(db) } : {}),
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    // SNI takes a host name, never an address.
    ...(url.protocol === 'rediss:' ? { tls: net.isIP(hostOf(url)) ? {} : { servername: url.hostname } } : {}),
  };
  return { options, where: `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}` };
}

/** `nodeId` names the connections (CLIENT LIST shows `relay-chat:NODE` and `relay-chat-sub:NODE`). */
export function openRedis(target: RedisTarget, nodeId: string): RedisConnections {
  const { options, where } = parseRedisTarget(target.url);
  if (target.caFile !== undefined) {
    if (!options.tls) throw new Error('--redis-ca is for TLS: give a rediss:// URL');
    options.tls = { ...options.tls, ca: readFileSync(target.caFile) };
  }
  const common: RedisOptions = {
    ...options,
    // Wait for Redis however long it is away, rather than fail a command after some retries.
    maxRetriesPerRequest: null,
    // Reconnect quickly at first, then every second at most: an outage ends unnoticed soon after Redis is back.
    retryStrategy: (times) => Math.min(50 * times, 1000),
    // The broker subscribes again itself, so that it knows when it is subscribed again.
    autoResubscribe: false,
    lazyConnect: false,
  };
  const commands = new Redis({ ...common, connectionName: `relay-chat:${nodeId}` });
  const subscriber = new Redis({ ...common, connectionName: `relay-chat-sub:${nodeId}` });
  // Errors are connection trouble that ioredis recovers from; it reconnects. Without a listener they would crash.
  let lastError: string | undefined;
  commands.on('error', (error: Error) => (lastError = error.message));
  subscriber.on('error', () => {});
  return {
    commands,
    subscriber,
    where,
    get lastError() {
      return lastError;
    },
    async close() {
      // QUIT waits for the replies still due (the last presence and events); a Redis that is away gets a second.
      const quit = Promise.all([commands.quit(), subscriber.quit()]).catch(() => {});
      await Promise.race([quit, new Promise((resolve) => setTimeout(resolve, QUIT_WAIT_MS).unref())]);
      commands.disconnect();
      subscriber.disconnect();
    },
  };
}

function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

function bounded(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}
