/**
 * Socket.IO 4: the client side of its wire protocol (Engine.IO v4 packets over a WebSocket,
 * Socket.IO v5 packets inside), spoken over the generator's lean WebSocket so the generator
 * costs about the same per delivery for every target (socket.io-client costs ~20 µs a delivery
 * and was the limit long before the server). Ready on the CONNECT reply; sending is the event
 * `say` with `{id, text, to?}`; deliveries are `message` events. Private messages use the usual
 * Socket.IO idiom: every socket joins a room named after its user and the server emits to the
 * peer's room.
 */
import { LeanWebSocket } from '../generator/lean-websocket';
import { clientName, type BenchClient, type ClientEvents, type OpenOptions, type TargetAdapter } from './adapter';

// Engine.IO packet types (first character) and Socket.IO packet types (second, inside "4").
const ENGINE_OPEN = '0';
const ENGINE_CLOSE = '1';
const ENGINE_PING = '2';
const ENGINE_PONG = '3';
const SOCKET_CONNECT = '40';
const SOCKET_DISCONNECT = '41';
const SOCKET_CONNECT_ERROR = '44';
const MESSAGE_EVENT_START = '42["message",';

function open({ url, client }: OpenOptions, events: ClientEvents): BenchClient {
  const name = clientName(client);
  const socket = new LeanWebSocket(`${url}/socket.io/?EIO=4&transport=websocket`, {
    open() {
      // Engine.IO speaks first (its open packet); nothing to send yet.
    },
    message(packet) {
      events.frame();
      if (packet.startsWith(MESSAGE_EVENT_START)) events.delivery(packet);
      else if (packet === ENGINE_PING) socket.sendText(ENGINE_PONG);
      // The open packet carries the session; the Socket.IO CONNECT sends the auth payload.
      else if (packet.startsWith(ENGINE_OPEN)) socket.sendText(`${SOCKET_CONNECT}${JSON.stringify({ name })}`);
      else if (packet.startsWith(SOCKET_CONNECT)) events.ready();
      else if (packet.startsWith(SOCKET_CONNECT_ERROR)) events.problem(`connect refused: ${packet.slice(2)}`);
      else if (packet.startsWith(SOCKET_DISCONNECT) || packet === ENGINE_CLOSE) socket.close();
      else events.problem(`unexpected packet: ${packet.slice(0, 80)}`);
    },
    closed: events.closed,
  });
  return {
    say(id, text, to) {
      socket.sendText(`42${JSON.stringify(['say', to === undefined ? { id, text } : { id, text, to: clientName(to) }])}`);
    },
    close() {
      socket.close();
    },
  };
}

export const socketIoAdapter: TargetAdapter = { open };
