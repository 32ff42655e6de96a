/**
 * The minimal ws relay: ready on open; sending is one frame shaped like Relay's `say`; every
 * frame that arrives is a delivery. It has no names, so private pairs are emulated with rooms:
 * both clients of a pair connect to the path `/pair/<k>` and the relay only re-sends within a path.
 */
import WebSocket from 'ws';
import type { BenchClient, ClientEvents, OpenOptions, TargetAdapter } from './adapter';

function open({ url, client, peer }: OpenOptions, events: ClientEvents): BenchClient {
  const roomUrl = peer === undefined ? url : `${url}/pair/${Math.min(client, peer)}`;
  const socket = new WebSocket(roomUrl, { perMessageDeflate: false });
  socket.on('open', () => events.ready());
  socket.on('message', (data) => {
    events.frame();
    // binaryType is the default 'nodebuffer', so every frame arrives as one Buffer.
    events.delivery((data as Buffer).toString());
  });
  socket.on('error', (error) => events.problem(`socket error: ${error.message}`));
  socket.on('close', (code) => events.closed(`closed ${code}`));
  return {
    // The room already decides who hears it, so `to` needs no field on the wire.
    say(id, text) {
      socket.send(JSON.stringify({ type: 'say', id, text }));
    },
    close() {
      socket.close();
    },
  };
}

export const minimalRelayAdapter: TargetAdapter = { open };
