/**
 * The ceiling for a Node WebSocket relay: every frame is re-sent, as is, to every other client
 * connected on the same URL path (`/` for everyone; the private-pairs scenario gives each pair
 * its own path). No names, no store, no acks, no parsing.
 */
import { WebSocket, WebSocketServer } from 'ws';
import { announceListening, exitOnSignal, parseListenArgs } from './target-cli';

const PROGRAM = 'minimal-relay';
const MAX_FRAME_BYTES = 64 * 1024;

const { host, port } = parseListenArgs(PROGRAM, process.argv.slice(2));
const rooms = new Map<string, Set<WebSocket>>();
const server = new WebSocketServer({ host, port, perMessageDeflate: false, maxPayload: MAX_FRAME_BYTES });

server.on('connection', (socket, request) => {
  const path = request.url ?? '/';
  let room = rooms.get(path);
  if (!room) {
    room = new Set();
    rooms.set(path, room);
  }
  const peers = room;
  peers.add(socket);
  socket.on('message', (data, isBinary) => {
    for (const peer of peers) {
      if (peer !== socket && peer.readyState === WebSocket.OPEN) peer.send(data, { binary: isBinary });
    }
  });
  socket.on('close', () => {
    peers.delete(socket);
    if (peers.size === 0) rooms.delete(path);
  });
  // A peer that vanishes mid-write must not take the relay down.
  socket.on('error', () => socket.terminate());
});

server.on('listening', () => {
  const address = server.address();
  announceListening(PROGRAM, host, typeof address === 'object' && address ? address.port : port);
});

exitOnSignal(
  () =>
    new Promise((resolve) => {
      for (const client of server.clients) client.terminate();
      server.close(() => resolve());
    }),
);
