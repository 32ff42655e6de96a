/**
 * The server as a library: an HTTP server that answers `/healthz` and upgrades `/` to the
 * chat WebSocket. The CLI is a thin layer over `startRelayServer`, and tests call it on port 0.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { CloseCode, LIMITS } from '../protocol';
import { MemoryBroker, MemoryPresence } from './broker/memory-broker';
import { ChatService } from './chat-service';
import { Connection, type ConnectionSettings } from './connection';
import { Hub } from './hub';
import { DEFAULTS, silentLogger, type RelayServerOptions } from './options';
import { FlushScheduler } from './outbound';
import { SqliteStore } from './store/sqlite-store';

export interface RelayServer {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Closes every connection with 1001, flushes the store and stops listening. */
  close(): Promise<void>;
}

/** How long connections get to finish their closing handshake on shutdown. */
const CLOSE_GRACE_MS = 2000;

export async function startRelayServer(options: RelayServerOptions = {}): Promise<RelayServer> {
  const host = options.host ?? DEFAULTS.host;
  const logger = options.logger ?? silentLogger;
  const store =
    options.store ??
    new SqliteStore({
      ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
      ...(options.synchronous !== undefined ? { synchronous: options.synchronous } : {}),
    });
  const broker = options.broker ?? new MemoryBroker();
  const presence = options.presence ?? new MemoryPresence();
  const hub = new Hub();
  const serverId = await store.serverId();
  const service = new ChatService(store, broker, presence, hub, logger, serverId);
  const unsubscribe = broker.subscribe(hub.deliver);
  const connections = new Set<Connection>();
  const startedAt = Date.now();

  const settings: ConnectionSettings = {
    rateLimit: options.rateLimit ?? DEFAULTS.rateLimit,
    maxBufferedBytes: options.maxBufferedBytes ?? DEFAULTS.maxBufferedBytes,
    helloTimeoutMs: options.helloTimeoutMs ?? DEFAULTS.helloTimeoutMs,
    scheduler: new FlushScheduler(),
    onOverflow: (connection) => {
      logger.warn(`dropping ${connection.user?.name ?? 'a client'}: it stopped reading`);
      connection.terminate();
    },
    onClosed: (connection) => connections.delete(connection),
  };

  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    maxPayload: LIMITS.maxFrameBytes,
    perMessageDeflate: options.perMessageDeflate ?? DEFAULTS.perMessageDeflate,
  });

  const httpServer = http.createServer((request, response) => {
    if (request.method === 'GET' && request.url === '/healthz') {
      const body = JSON.stringify({ ok: true, server: serverId, online: hub.size, uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) });
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      response.end(body);
      return;
    }
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ ok: false, error: 'not found: connect a WebSocket to / or GET /healthz' }));
  });

  httpServer.on('upgrade', (request, socket: Duplex, head) => {
    if (new URL(request.url ?? '/', 'http://localhost').pathname !== '/') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      connections.add(new Connection(ws, socket, settings, service));
    });
  });

  const heartbeat = setInterval(() => {
    for (const connection of connections) connection.heartbeat();
  }, options.heartbeatMs ?? DEFAULTS.heartbeatMs);
  heartbeat.unref();

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port ?? DEFAULTS.port, host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const port = (httpServer.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      service.stop();
      clearInterval(heartbeat);
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
      unsubscribe();
      wss.close();
      await store.close();
    })();
    return closing;
  };

  return {
    url: `ws://${urlHost}:${port}`,
    host,
    port,
    close,
  };
}
