/**
 * Socket.IO 4: the client side of its wire protocol (Engine.IO v4 packets over a WebSocket,
 * Socket.IO v5 packets inside), spoken over the generator's lean WebSocket so the generator
 * costs about the same per delivery for every target (socket.io-client costs ~20 µs a delivery
 * and was the limit long before the server). Ready on the CONNECT reply; sending is the event
 * `say` with `{id, text, to?}`; deliveries are `message` events. Private messages use the usual
 * Socket.IO idiom: every socket joins a room named after its user and the server emits to the
 * peer's room.
 *
 * Given `nodes` (the cluster scenario), it reconnects as socket.io-client does: when the
 * connection drops it opens a new one (to the next node), and events emitted meanwhile wait in a
 * buffer and go out once connected. A new connection is a new socket: nothing that passed while
 * it was away comes to it.
 */
import { LeanWebSocket } from '../generator/lean-websocket';
import { reconnectDelayMs } from './reconnect-delay';
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

function open({ url, client, nodes }: OpenOptions, events: ClientEvents): BenchClient {
  const name = clientName(client);
  let node = 0;
  let connectedOnce = false;
  /** The Socket.IO CONNECT was answered on the current connection. */
  let connected = false;
  let closing = false;
  /** With `nodes`: packets emitted while disconnected (socket.io-client's send buffer). */
  const buffered: string[] = [];

  function connect(): LeanWebSocket {
    const connection: LeanWebSocket = new LeanWebSocket(`${nodes?.[node] ?? url}/socket.io/?EIO=4&transport=websocket`, {
      open() {
        // Engine.IO speaks first (its open packet); nothing to send yet.
      },
      message(packet) {
        events.frame();
        if (packet.startsWith(MESSAGE_EVENT_START)) events.delivery(packet);
        else if (packet === ENGINE_PING) connection.sendText(ENGINE_PONG);
        // The open packet carries the session; the Socket.IO CONNECT sends the auth payload.
        else if (packet.startsWith(ENGINE_OPEN)) connection.sendText(`${SOCKET_CONNECT}${JSON.stringify({ name })}`);
        else if (packet.startsWith(SOCKET_CONNECT)) onConnect();
        else if (packet.startsWith(SOCKET_CONNECT_ERROR)) events.problem(`connect refused: ${packet.slice(2)}`);
        else if (packet.startsWith(SOCKET_DISCONNECT) || packet === ENGINE_CLOSE) connection.close();
        else events.problem(`unexpected packet: ${packet.slice(0, 80)}`);
      },
      closed(description) {
        if (connection !== socket) return;
        connected = false;
        if (nodes === undefined || closing || !connectedOnce) return events.closed(description);
        node = (node + 1) % nodes.length;
        setTimeout(() => {
          if (!closing) socket = connect();
        }, reconnectDelayMs());
      },
    });
    return connection;
  }

  function onConnect(): void {
    connected = true;
    if (!connectedOnce) {
      connectedOnce = true;
      events.ready();
      return;
    }
    for (const packet of buffered.splice(0)) socket.sendText(packet);
    events.reconnected();
  }

  let socket = connect();
  return {
    say(id, text, to) {
      const packet = `42${JSON.stringify(['say', to === undefined ? { id, text } : { id, text, to: clientName(to) }])}`;
      if (nodes !== undefined && !connected) buffered.push(packet);
      else socket.sendText(packet);
    },
    close() {
      closing = true;
      socket.close();
    },
  };
}

export const socketIoAdapter: TargetAdapter = { open };
