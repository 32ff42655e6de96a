/**
 * Socket.IO 4, websocket transport only: ready on `connect`; sending is `emit('say', {id, text,
 * to?})`; deliveries are `message` events. Private messages use the usual Socket.IO idiom: every
 * socket joins a room named after its user and the server emits to the peer's room. The server
 * turns permessage-deflate off, so frames are not compressed whatever the client offers.
 */
import { io } from 'socket.io-client';
import { clientName, type BenchClient, type ClientEvents, type OpenOptions, type TargetAdapter } from './adapter';

function open({ url, client }: OpenOptions, events: ClientEvents): BenchClient {
  const socket = io(url.replace(/^ws/, 'http'), {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    timeout: 60_000,
    auth: { name: clientName(client) },
  });
  socket.on('connect', () => events.ready());
  socket.on('connect_error', (error) => events.closed(`connect error: ${error.message}`));
  socket.on('disconnect', (reason) => events.closed(`disconnected: ${reason}`));
  socket.on('message', (message: { text?: unknown }) => {
    events.frame();
    if (typeof message?.text === 'string') events.delivery(message.text);
    else events.problem('message event without text');
  });
  return {
    say(id, text, to) {
      socket.emit('say', to === undefined ? { id, text } : { id, text, to: clientName(to) });
    },
    close() {
      socket.disconnect();
    },
  };
}

export const socketIoAdapter: TargetAdapter = { open };
