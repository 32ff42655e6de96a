/**
 * The minimal ws relay: ready on open; sending is one frame shaped like Relay's `say`; every
 * frame that arrives is a delivery. It has no names, so private pairs are emulated with rooms:
 * both clients of a pair connect to the path `/pair/<k>` and the relay only re-sends within a path.
 */
import { LeanWebSocket } from '../generator/lean-websocket';
import type { BenchClient, ClientEvents, OpenOptions, TargetAdapter } from './adapter';

function open({ url, client, peer }: OpenOptions, events: ClientEvents): BenchClient {
  const roomUrl = peer === undefined ? url : `${url}/pair/${Math.min(client, peer)}`;
  const socket = new LeanWebSocket(roomUrl, {
    open: () => events.ready(),
    message(text) {
      events.frame();
      events.delivery(text);
    },
    closed: events.closed,
  });
  return {
    // The room already decides who hears it, so `to` needs no field on the wire.
    say(id, text) {
      socket.sendText(JSON.stringify({ type: 'say', id, text }));
    },
    close() {
      socket.close();
    },
  };
}

export const minimalRelayAdapter: TargetAdapter = { open };
