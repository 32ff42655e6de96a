/**
 * Relay Chat: hello with a unique name, wait for welcome; send with `say` (its own unique id,
 * `to` for private); receive `message` frames. The sender gets an `ack`, never a copy.
 */
import type { ClientFrame, ServerFrame } from '../../protocol';
import { nowMs } from '../clock';
import { LeanWebSocket } from '../generator/lean-websocket';
import { clientName, type BenchClient, type ClientEvents, type OpenOptions, type TargetAdapter } from './adapter';

// The two frames that arrive in bulk are recognised by how the server starts them, so the
// generator stays light; any frame that does not start that way is parsed in full, so the
// adapter stays correct whatever order the server writes fields in.
const MESSAGE_START = '{"type":"message"';
const PRESENCE_START = '{"type":"presence"';

function open({ url, client }: OpenOptions, events: ClientEvents): BenchClient {
  const name = clientName(client);
  let helloSentAt = 0;
  const send = (frame: ClientFrame): void => socket.sendText(JSON.stringify(frame));

  function handleFrame(text: string): void {
    let frame: ServerFrame;
    try {
      frame = JSON.parse(text) as ServerFrame;
    } catch {
      events.problem(`frame is not JSON: ${text.slice(0, 80)}`);
      return;
    }
    switch (frame.type) {
      case 'welcome':
        if (frame.name !== name) events.problem(`welcomed as ${frame.name}, expected ${name}`);
        events.ready(helloSentAt);
        return;
      case 'error':
        events.problem(`error ${frame.code}: ${frame.message}`);
        return;
      case 'message':
        events.delivery(frame.text);
        return;
      case 'ack':
      case 'presence':
      case 'typing':
      case 'history':
        return;
      default:
        events.problem(`unknown frame: ${text.slice(0, 80)}`);
    }
  }

  const socket = new LeanWebSocket(url, {
    open() {
      helloSentAt = nowMs();
      send({ type: 'hello', name });
    },
    message(text) {
      events.frame();
      if (text.startsWith(MESSAGE_START)) events.delivery(text);
      else if (!text.startsWith(PRESENCE_START)) handleFrame(text);
    },
    closed: events.closed,
  });

  return {
    say(id, text, to) {
      send(to === undefined ? { type: 'say', id, text } : { type: 'say', id, text, to: clientName(to) });
    },
    close() {
      socket.close();
    },
  };
}

export const relayChatAdapter: TargetAdapter = { open };
