/**
 * Relay Chat: hello with a unique name, wait for welcome; send with `say` (its own unique id,
 * `to` for private, `channel` for a channel); receive `message` frames. The sender gets an
 * `ack`, never a copy. In the channels scenario the client speaks protocol 2 and, once
 * welcomed, joins its channels (creating one that does not exist yet) before it is ready.
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

function open({ url, client, channels }: OpenOptions, events: ClientEvents): BenchClient {
  const name = clientName(client);
  let helloSentAt = 0;
  const send = (frame: ClientFrame): void => socket.sendText(JSON.stringify(frame));
  /** Channels not joined yet: join, or create when it does not exist, or join when someone created it meanwhile. */
  const joining = new Set(channels ?? []);
  const join = (channel: string): void => send({ type: 'join', channel, ref: `join:${channel}` });
  const create = (channel: string): void => send({ type: 'create', channel, ref: `create:${channel}` });
  function setupReply(ref: string, failed: string | undefined): boolean {
    const [step, channel] = ref.split(':') as [string, string];
    if (!joining.has(channel)) return false;
    if (failed === undefined) {
      joining.delete(channel);
      if (joining.size === 0) events.ready(helloSentAt);
    } else if (step === 'join' && failed === 'UNKNOWN_CHANNEL') {
      create(channel);
    } else if (step === 'create' && failed === 'CHANNEL_EXISTS') {
      join(channel);
    } else {
      return false;
    }
    return true;
  }

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
        if (joining.size === 0) events.ready(helloSentAt);
        else for (const channel of joining) join(channel);
        return;
      case 'error':
        if (frame.ref === undefined || !setupReply(frame.ref, frame.code)) events.problem(`error ${frame.code}: ${frame.message}`);
        return;
      case 'channel':
        if (frame.ref !== undefined) setupReply(frame.ref, undefined);
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
      send(channels === undefined ? { type: 'hello', name } : { type: 'hello', name, protocol: 2 });
    },
    message(text) {
      events.frame();
      if (text.startsWith(MESSAGE_START)) events.delivery(text);
      else if (!text.startsWith(PRESENCE_START)) handleFrame(text);
    },
    closed: events.closed,
  });

  return {
    say(id, text, to, channel) {
      if (channel !== undefined) send({ type: 'say', id, text, channel });
      else send(to === undefined ? { type: 'say', id, text } : { type: 'say', id, text, to: clientName(to) });
    },
    close() {
      socket.close();
    },
  };
}

export const relayChatAdapter: TargetAdapter = { open, channels: true };
