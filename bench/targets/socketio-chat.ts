/**
 * A Socket.IO 4 chat server as one would write it: websocket transport only, each socket joins a
 * room named after its user, `say` is broadcast with `socket.broadcast.emit` or, with `to`, sent
 * to that user's room. The message carries the sender's name, as a chat server would add it.
 * socketio-server.ts runs it alone; socketio-cluster-server.ts as one node of several.
 */
import { createServer } from 'node:http';
import { Server, type ServerOptions } from 'socket.io';
import { announceListening, exitOnSignal, parseListenArgs } from './target-cli';

const MAX_FRAME_BYTES = 64 * 1024;

interface SayPayload {
  id: string;
  text: string;
  to?: string;
}

function isSayPayload(value: unknown): value is SayPayload {
  if (typeof value !== 'object' || value === null) return false;
  const { id, text, to } = value as Record<string, unknown>;
  return typeof id === 'string' && typeof text === 'string' && (to === undefined || typeof to === 'string');
}

export interface ScaleOut {
  adapter: NonNullable<ServerOptions['adapter']>;
  /** Closes what the adapter connects to, after the server closed. */
  close(): Promise<void>;
}

/** Listens on `--host`/`--port` from `argv`, announces its URL, and exits cleanly on SIGTERM. */
export function startSocketIoChat(program: string, argv: string[], scaleOut?: ScaleOut): void {
  const { host, port } = parseListenArgs(program, argv);
  const httpServer = createServer();
  const io = new Server(httpServer, {
    transports: ['websocket'],
    serveClient: false,
    perMessageDeflate: false,
    maxHttpBufferSize: MAX_FRAME_BYTES,
    ...(scaleOut ? { adapter: scaleOut.adapter } : {}),
  });

  io.on('connection', (socket) => {
    const auth = socket.handshake.auth as { name?: unknown };
    const name = typeof auth.name === 'string' ? auth.name : socket.id;
    void socket.join(name);
    socket.on('say', (payload: unknown) => {
      if (!isSayPayload(payload)) {
        socket.emit('error-message', 'say needs a string id and text, and to (if given) must be a string');
        return;
      }
      const message = { from: name, id: payload.id, text: payload.text };
      if (payload.to === undefined) socket.broadcast.emit('message', message);
      else socket.to(payload.to).emit('message', message);
    });
  });

  httpServer.listen(port, host, () => {
    const address = httpServer.address();
    announceListening(program, host, typeof address === 'object' && address ? address.port : port);
  });

  exitOnSignal(async () => {
    await new Promise<void>((resolve) => void io.close(() => resolve()));
    await scaleOut?.close();
  });
}
