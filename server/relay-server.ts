/**
 * The server as a library: an HTTP server that answers `/healthz` and upgrades `/` to the
 * chat WebSocket. The CLI is a thin layer over `startRelayServer`, and tests call it on port 0.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { CloseCode, LIMITS } from '../protocol';
import { AccountRequests } from './account-requests';
import type { AdminAction } from './admin';
import { AdminRequests } from './admin-requests';
import { MemoryAttemptLimiter, SIGN_IN_RULES } from './attempt-limiter';
import { Admission, type AdmissionTicket } from './admission';
import type { Broker, PresenceManager } from './broker/broker';
import { MemoryBroker, MemoryPresence } from './broker/memory-broker';
import { Authenticator, type RegistrationPolicy } from './authentication';
import { CatchUp } from './catch-up';
import { ChannelRequests } from './channel-requests';
import { ChatService } from './chat-service';
import { Conversations } from './conversations';
import { Mentions } from './mentions';
import { Connection, ConnectionSocket, type ConnectionSettings } from './connection';
import { controlSocketPath } from './control/control-protocol';
import { startControlServer, type ControlServer } from './control/control-server';
import { Heartbeats } from './heartbeats';
import { Hub } from './hub';
import { defaultRegistration, isLoopbackHost } from './listen-address';
import { DEFAULTS, silentLogger, type Logger, type RelayServerOptions } from './options';
import { PasswordHasher } from './identity/passwords';
import { OriginPolicy } from './origin-policy';
import { FlushScheduler } from './outbound';
import { derivePublicUrl, normalisePublicUrl } from './public-url';
import { loadTls } from './tls';
import { openSqliteBackend } from './store/sqlite-backend';
import { openRedisCluster, type RedisCluster } from './redis-cluster';

export interface RelayServer {
  readonly url: string;
  /** The URL clients reach it at, which invite links carry: `publicUrl` as given, or derived from where it listens. */
  readonly publicUrl: string;
  /** Whether it serves wss:// (TLS). */
  readonly encrypted: boolean;
  /** Reads the TLS files again and serves the new certificate to new connections; live ones stay. */
  reloadTls(): void;
  /** Who may register: open, invite or closed. */
  readonly registration: RegistrationPolicy;
  /** (new) This process's id among the nodes of a cluster (random, per start). */
  readonly nodeId: string;
  readonly host: string;
  readonly port: number;
  /** Closes every connection with 1001, flushes the storage and stops listening. */
  close(): Promise<void>;
}

/** How long connections get to finish their closing handshake on shutdown. */
const CLOSE_GRACE_MS = 2000;
/** How often Node looks for requests past their headers timeout (its default, 30 s, lets slow upgrades linger). */
const TIMEOUT_CHECK_MS = 1000;

/**
 * Who is on the other end: the socket's peer, or, behind a reverse proxy that the operator
 * vouches for (--trust-proxy), the address that proxy appended to X-Forwarded-For.
 */
function clientAddress(request: http.IncomingMessage, trustProxy: boolean): string {
  const forwarded = request.headers['x-forwarded-for'];
  if (trustProxy && typeof forwarded === 'string') {
    const last = forwarded.split(',').at(-1)!.trim();
    if (last && last.length <= 64) return last;
  }
  return request.socket.remoteAddress ?? 'unknown';
}

/** Refuses an upgrade before it becomes a WebSocket, with a status line and a one-line reason. */
function refuseUpgrade(socket: Duplex, status: string, reason: string): void {
  socket.end(
    `HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`,
  );
}

export async function startRelayServer(options: RelayServerOptions = {}): Promise<RelayServer> {
  const host = options.host ?? DEFAULTS.host;
  if (!isLoopbackHost(host) && !options.tls && !options.insecure) {
    throw new Error(
      `refusing to listen on ${host} without TLS: anyone on the network could read the chat and its secrets. ` +
        'Give --tls-cert and --tls-key; or, behind a reverse proxy that terminates TLS on this host, listen on 127.0.0.1 instead; ' +
        '--insecure overrides this.',
    );
  }
  const logger = options.logger ?? silentLogger;
  const storage =
    options.storage ??
    openSqliteBackend({
      ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
      ...(options.synchronous !== undefined ? { synchronous: options.synchronous } : {}),
      ...(options.commitWindowMs !== undefined ? { commitWindowMs: options.commitWindowMs } : {}),
    });
  const { store, identity, channels } = storage;
  const nodeId = randomUUID();
  let cluster: RedisCluster | undefined;
  if (options.redis) {
    cluster = await openRedisCluster(options.redis, nodeId, logger).catch(async (error: unknown) => {
      await storage.close();
      throw error;
    });
    logger.info(`sharing fan-out, presence and sign-in limits through Redis (node ${nodeId}); presence after a node dies: offline within ${cluster.presence.offlineBoundMs / 1000} s`);
  }
  const broker: Broker = cluster?.broker ?? options.broker ?? new MemoryBroker();
  const presence: PresenceManager = cluster?.presence ?? options.presence ?? new MemoryPresence();
  const hub = new Hub();
  const serverId = await identity.serverId();
  const registration = options.registration ?? defaultRegistration(host);
  // Only a server with a data folder can be reached by the command line that makes the admin.
  if (registration !== 'open' && options.dataDir !== undefined && (await identity.accounts()).length === 0) {
    logger.info(`no accounts yet, and registration is ${registration}: create the first admin (it asks for the password) with\n  ${firstAdminCommand(options.dataDir)}`);
  }
  const passwords = new PasswordHasher(options.passwordCost);
  const attempts = cluster?.attempts ?? options.attemptLimiter ?? new MemoryAttemptLimiter(SIGN_IN_RULES);
  const authenticator = new Authenticator(identity, passwords, registration, attempts);
  const accountRequests = new AccountRequests(identity, passwords, broker);
  const adminRequests = new AdminRequests(identity, broker);
  const conversations = new Conversations(identity, channels, await channels.general());
  const channelRequests = new ChannelRequests(channels, identity, conversations, broker);
  const mentions = new Mentions(identity, channels, presence, options.channelMentionMaxMembers ?? DEFAULTS.channelMentionMaxMembers);
  const service = new ChatService({
    identity, store, broker, presence, hub, logger, serverId, authenticator, accountRequests, adminRequests,
    channels, conversations, channelRequests, mentions,
  });
  /** Known once the port is: until then an invite made through the control socket has no link. */
  let publicUrl: string | undefined;
  const control = await startControl(options, (action) => service.admin(action, publicUrl), logger).catch(async (error: unknown) => {
    await cluster?.close();
    await storage.close();
    throw error;
  });
  const catchUp = new CatchUp(hub, store, logger, options.catchUpGapMs);
  await catchUp.start();
  const unsubscribeBroker = broker.subscribe(catchUp.deliver);
  const stopResubscribed = broker.onResubscribed?.(catchUp.resubscribed);
  const unsubscribe = (): void => {
    unsubscribeBroker();
    stopResubscribed?.();
    catchUp.stop();
  };
  const connections = new Heartbeats<Connection>(options.heartbeatMs ?? DEFAULTS.heartbeatMs);
  const startedAt = Date.now();

  const settings: ConnectionSettings = {
    rateLimit: options.rateLimit ?? DEFAULTS.rateLimit,
    maxBufferedBytes: options.maxBufferedBytes ?? DEFAULTS.maxBufferedBytes,
    helloTimeoutMs: options.helloTimeoutMs ?? DEFAULTS.helloTimeoutMs,
    scheduler: new FlushScheduler(),
    logger,
    onOverflow: (connection) => {
      logger.warn(`dropping ${connection.user?.name ?? 'a client'}: it stopped reading`);
      connection.terminate();
    },
    onClosed: (connection) => connections.delete(connection),
    nodeId,
  };

  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    maxPayload: LIMITS.maxFrameBytes,
    perMessageDeflate: false,
    WebSocket: ConnectionSocket,
  });
  const admission = new Admission(options.pendingLimits ?? DEFAULTS.pendingLimits);
  const originPolicy = new OriginPolicy(options.allowOrigins ?? [], isLoopbackHost(host));
  /**
   * The admission ticket of each accepted socket, by its peer's address and port: the socket an
   * upgrade hands over is, with TLS, not the TCP socket that was admitted, but has the same peer.
   */
  /**
   * Accepted sockets' tickets by peer, until a Connection holds them (a TLS upgrade's socket is
   * not the accepted one); a socket that closes before is freed from here, by one shared listener,
   * so an idle connection keeps no closure for it.
   */
  const tickets = new Map<string, AdmissionTicket>();
  function releaseTicket(this: net.Socket): void {
    const peer = peerOf(this);
    tickets.get(peer)?.release();
    tickets.delete(peer);
  }
  const peerOf = (socket: { remoteAddress?: string; remotePort?: number }): string => `${socket.remoteAddress}|${socket.remotePort}`;

  const headersTimeout = options.headersTimeoutMs ?? DEFAULTS.headersTimeoutMs;
  const serverOptions = {
    headersTimeout,
    requestTimeout: headersTimeout,
    connectionsCheckingInterval: Math.min(TIMEOUT_CHECK_MS, headersTimeout),
  };
  const tls = options.tls ? loadTls(options.tls) : undefined;
  const answer = (request: http.IncomingMessage, response: http.ServerResponse): void => {
    health(request, response).catch(() => response.destroy());
  };
  const health = async (request: http.IncomingMessage, response: http.ServerResponse): Promise<void> => {
      const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
      if ((request.method === 'GET' || request.method === 'HEAD') && pathname === '/healthz') {
        const body = JSON.stringify({
          ok: true,
          server: serverId,
          online: hub.size,
          uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
          node: nodeId,
          connections: connections.size,
          clusterOnline: await clusterOnline(presence),
        });
        response.writeHead(200, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'cache-control': 'no-store',
        });
        response.end(request.method === 'HEAD' ? undefined : body);
        return;
      }
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ ok: false, error: 'not found: connect a WebSocket to / or GET /healthz' }));
  };
  const httpServer: http.Server | https.Server = tls
    ? https.createServer({ ...serverOptions, ...tls, handshakeTimeout: headersTimeout }, answer)
    : http.createServer(serverOptions, answer);

  // Every socket takes a place among the pending ones as it is accepted, before a byte of its request arrives.
  httpServer.on('connection', (socket: net.Socket) => {
    const ticket = admission.admit(socket.remoteAddress ?? 'unknown');
    if (!ticket) {
      socket.destroy();
      return;
    }
    tickets.set(peerOf(socket), ticket);
    socket.on('close', releaseTicket);
  });

  httpServer.on('upgrade', (request, socket: Duplex, head) => {
    if (new URL(request.url ?? '/', 'http://localhost').pathname !== '/') {
      refuseUpgrade(socket, '404 Not Found', 'the chat WebSocket is at /');
      return;
    }
    if (!originPolicy.allows(request)) {
      refuseUpgrade(socket, '403 Forbidden', 'this origin may not connect; the server admits more with --allow-origin');
      return;
    }
    const address = clientAddress(request, options.trustProxy ?? false);
    const peer = peerOf(socket as net.Socket);
    wss.handleUpgrade(request, socket, head, (ws) => {
      // The connection holds its ticket from here on, and frees it once welcomed or closed.
      const ticket = tickets.get(peer);
      tickets.delete(peer);
      connections.add(new Connection(ws as ConnectionSocket, socket, settings, service, ticket, address));
    });
  });


  try {
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(options.port ?? DEFAULTS.port, host, () => {
        httpServer.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    connections.stop();
    unsubscribe();
    await control?.close();
    await cluster?.close();
    await storage.close();
    throw error;
  }
  const port = (httpServer.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  publicUrl = options.publicUrl !== undefined ? normalisePublicUrl(options.publicUrl) : derivePublicUrl(host, port, tls !== undefined);

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      service.stop();
      connections.stop();
      const serverClosed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      const socketsClosed = [...connections].map(
        (connection) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => {
              connection.terminate();
              resolve();
            }, CLOSE_GRACE_MS);
            connection.onceClosed(() => {
              clearTimeout(timer);
              resolve();
            });
            connection.close(CloseCode.ServerShutdown, 'server shutting down');
          }),
      );
      await Promise.all(socketsClosed);
      httpServer.closeAllConnections();
      await serverClosed;
      await control?.close();
      // This node's users go offline for the other nodes now, not after the presence TTL.
      await cluster?.withdraw().catch((error: unknown) => logger.warn(`leaving the cluster's presence failed: ${String(error)}`));
      unsubscribe();
      wss.close();
      await cluster?.close();
      await storage.close();
    })();
    return closing;
  };

  return {
    url: `${tls ? 'wss' : 'ws'}://${urlHost}:${port}`,
    publicUrl,
    encrypted: tls !== undefined,
    reloadTls: () => {
      if (!options.tls || !(httpServer instanceof https.Server)) throw new Error('the server runs without TLS');
      httpServer.setSecureContext(loadTls(options.tls));
    },
    registration,
    nodeId,
    host,
    port,
    close,
  };
}

/** How long /healthz waits for the cluster's online count (Redis may be away) before it reports null. */
const HEALTH_PRESENCE_WAIT_MS = 1000;

/** Users online on any node; null when presence does not answer in time. */
async function clusterOnline(presence: PresenceManager): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), HEALTH_PRESENCE_WAIT_MS)));
  try {
    return await Promise.race([presence.online().then((names) => names.length), late]);
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

/** The one command that makes the first administrator of this data folder, as the operator can paste it. */
function firstAdminCommand(dataDir: string): string {
  const quoted = /^[\w./:@%+=,-]+$/.test(dataDir) ? dataDir : `'${dataDir.replace(/'/g, `'\\''`)}'`;
  return `relay-chat-server user add NAME --admin --data ${quoted}`;
}

/** The administration socket, when the server has a data folder; a second server on the same folder fails here. */
async function startControl(options: RelayServerOptions, admin: (action: AdminAction) => Promise<string[]>, logger: Logger): Promise<ControlServer | undefined> {
  const socketPath = options.controlSocket ?? (options.dataDir !== undefined ? controlSocketPath(options.dataDir) : false);
  if (socketPath === false) return undefined;
  return startControlServer(socketPath, async (request) => ({ ok: true, output: await admin(request.action) }), logger);
}
