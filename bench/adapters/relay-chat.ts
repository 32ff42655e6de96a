/**
 * Relay Chat: hello with a unique name, wait for welcome; send with `say` (its own unique id,
 * `to` for private, `channel` for a channel); receive `message` frames. The sender gets an
 * `ack`, never a copy. In the channels scenario the client speaks protocol 2 and, once
 * welcomed, joins its channels (creating one that does not exist yet) before it is ready.
 *
 * Given `nodes` (the cluster scenario), it resumes as docs/protocol.md says and RelayClient does:
 * it keeps the highest seq seen and every say not yet acked; when its connection drops it says
 * hello to the next node with its token and `resume`, takes the welcome's messages it has not
 * seen, and resends the unacked says with their ids (the server acks those it has with their
 * original seq and delivers nothing twice).
 */
import type { ClientFrame, ServerFrame } from '../../protocol';
import { nowMs } from '../clock';
import { LeanWebSocket } from '../generator/lean-websocket';
import { reconnectDelayMs } from './reconnect-delay';
import { clientName, type BenchClient, type ClientEvents, type OpenOptions, type TargetAdapter } from './adapter';

// The two frames that arrive in bulk are recognised by how the server starts them, so the
// generator stays light; any frame that does not start that way is parsed in full, so the
// adapter stays correct whatever order the server writes fields in.
const MESSAGE_START = '{"type":"message"';
const MESSAGE_SEQ_START = `${MESSAGE_START},"seq":`;
const PRESENCE_START = '{"type":"presence"';

function open({ url, client, channels, nodes }: OpenOptions, events: ClientEvents): BenchClient {
  const name = clientName(client);
  let helloSentAt = 0;
  const send = (frame: ClientFrame): void => socket.sendText(JSON.stringify(frame));
  const resumable = nodes !== undefined;
  let node = 0;
  let token: string | undefined;
  let highestSeq = 0;
  let welcomed = false;
  /** Welcomed on the current connection: says go out at once. */
  let online = false;
  let closing = false;
  /** Says not acked yet, by id, in the order they were made (a Map keeps it). */
  const unacked = new Map<string, ClientFrame>();

  /** A message seen on this connection: false when its seq was seen before (skipped, as RelayClient does). */
  function firstSight(seq: number): boolean {
    if (seq <= highestSeq) {
      events.problem('a message came again with a seq already seen (skipped by seq, as RelayClient does)');
      return false;
    }
    highestSeq = seq;
    return true;
  }

  function resumeWelcome(frame: Extract<ServerFrame, { type: 'welcome' }>): void {
    if (frame.gap) events.problem('a resume welcome left messages out (gap)');
    for (const message of [...frame.messages].sort((a, b) => a.seq - b.seq)) {
      // Our own messages come back in a resume welcome; we had their acks (or resend them below).
      if (message.from !== name && firstSight(message.seq)) events.delivery(message.text);
      else highestSeq = Math.max(highestSeq, message.seq);
    }
    highestSeq = Math.max(highestSeq, frame.seq);
    for (const say of unacked.values()) send(say);
    events.reconnected();
  }
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
        token = frame.token;
        online = true;
        if (resumable && welcomed) return resumeWelcome(frame);
        welcomed = true;
        highestSeq = frame.seq;
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
        if (!resumable || firstSight(frame.seq)) events.delivery(frame.text);
        return;
      case 'ack':
        unacked.delete(frame.id);
        return;
      case 'presence':
      case 'typing':
      case 'history':
        return;
      default:
        events.problem(`unknown frame: ${text.slice(0, 80)}`);
    }
  }

  /** The seq of a message frame as the server writes it, or undefined when written otherwise. */
  function leadingSeq(text: string): number | undefined {
    if (!text.startsWith(MESSAGE_SEQ_START)) return undefined;
    const seq = Number.parseInt(text.slice(MESSAGE_SEQ_START.length, MESSAGE_SEQ_START.length + 20), 10);
    return Number.isSafeInteger(seq) ? seq : undefined;
  }

  function onMessageFrame(text: string): void {
    if (!resumable) return events.delivery(text);
    const seq = leadingSeq(text);
    if (seq === undefined) handleFrame(text);
    else if (firstSight(seq)) events.delivery(text);
  }

  function connect(): LeanWebSocket {
    const connection: LeanWebSocket = new LeanWebSocket(nodes?.[node] ?? url, {
      open() {
        helloSentAt = nowMs();
        const hello: ClientFrame = channels === undefined ? { type: 'hello', name } : { type: 'hello', name, protocol: 2 };
        if (welcomed && token !== undefined) Object.assign(hello, { token, resume: highestSeq });
        send(hello);
      },
      message(text) {
        events.frame();
        if (text.startsWith(MESSAGE_START)) onMessageFrame(text);
        else if (!text.startsWith(PRESENCE_START)) handleFrame(text);
      },
      closed(description) {
        if (connection !== socket) return;
        online = false;
        if (!resumable || closing || !welcomed) return events.closed(description);
        // Its node is gone (or refused us): the next one in the list, after a short pause.
        node = (node + 1) % nodes.length;
        setTimeout(() => {
          if (!closing) socket = connect();
        }, reconnectDelayMs());
      },
    });
    return connection;
  }
  let socket = connect();

  return {
    say(id, text, to, channel) {
      const frame: ClientFrame =
        channel !== undefined ? { type: 'say', id, text, channel } : to === undefined ? { type: 'say', id, text } : { type: 'say', id, text, to: clientName(to) };
      if (resumable) unacked.set(id, frame);
      // Offline, the say waits in `unacked` for the resume.
      if (!resumable || online) send(frame);
    },
    close() {
      closing = true;
      socket.close();
    },
  };
}

export const relayChatAdapter: TargetAdapter = { open, channels: true };
