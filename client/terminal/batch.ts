/**
 * `relay-chat --batch`, for scripts: every line of input is read like a typed one (a message to
 * the `--channel` or #general, `#channel text`, `/msg NAME text`, `/who`, ...), messages that
 * arrive are printed plainly to the output with their channel,
 * problems go to the error stream with the number of the line they are about, and it ends once
 * the input has ended and every line is stored. The exit code says how it went.
 */
import readline from 'node:readline';
import { GENERAL_CHANNEL, type Attachment, type Conversation } from '../../protocol';
import { composeText } from '../code-refs/fallback';
import { RelayError, type RelayClient } from '../relay-client';
import { sanitize } from '../untrusted-text';
import { EXIT } from './exit-codes';
import { COMMAND_HELP, parseCommand } from './commands';
import {
  formatConnectionProblem,
  formatMessage,
  formatNameRefused,
  formatNotSent,
  formatPreview,
  formatServerError,
  formatUserList,
  messageView,
} from './format';

export interface BatchIO {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  errors: NodeJS.WritableStream;
}

export interface BatchOptions {
  /** Where plain lines go (`--channel`); without it, #general. A public channel the name is not in is joined first. */
  channel?: string;
  /** (`--attach`, `--code`) Sent with the first message line, its text the note; with none, alone once the input ends. */
  attachments?: Attachment[];
}

/** Reading stops while this many lines wait for their ack, so a huge input is not held in memory. */
const PAUSE_AT = 200;
const RESUME_AT = 50;

export function runBatch(client: RelayClient, io: BatchIO, options: BatchOptions = {}): Promise<number> {
  return new Promise((resolve) => {
    const lines = readline.createInterface({ input: io.input, crlfDelay: Infinity });
    /** Message id -> what it came from ("line 3"), until the server stores it. */
    const unacked = new Map<string, string>();
    /** Not sent yet: they go with the first message line. */
    let attachments = options.attachments;
    /** What waits for the first welcome (a /who before the server said who is online). */
    const onWelcome: Array<() => void> = [];
    let lineNumber = 0;
    let welcomed = false;
    /** Whether the last connection attempt ended offline: then a failure is "still offline". */
    let wasOffline = false;
    /** Nodes that could not be reached before the first welcome: past all of them, give up. */
    let unreachableNodes = 0;
    /** Messages up to this seq came with the first welcome: history, not news. */
    let historyUpTo = -1;
    let inputEnded = false;
    let refused = 0;
    let finished = false;
    /**
     * With --channel, lines wait until the channel is ours: a bot told to post somewhere it is
     * not in yet joins it first (a public channel), so its lines are not all refused.
     */
    let channelReady = options.channel === undefined || options.channel === GENERAL_CHANNEL;
    const waitingLines: string[] = [];

    const report = (text: string): void => {
      io.errors.write(`relay-chat: ${sanitize(text)}\n`);
    };
    const finish = (code: number): void => {
      if (finished) return;
      finished = true;
      lines.close();
      void client.close().then(() => resolve(code));
    };
    const finishIfDone = (): void => {
      if (inputEnded && welcomed && channelReady && unacked.size === 0) finish(refused > 0 ? EXIT.refusedMessage : EXIT.ok);
    };
    const joinChannelFirst = async (channel: string): Promise<void> => {
      if (client.channels.some((joined) => joined.name === channel)) return;
      if (client.protocol < 2) throw new RelayError('NOT_SUPPORTED', 'this server has no channels besides #general');
      await client.joinChannel(channel);
    };
    const channelNowReady = (): void => {
      channelReady = true;
      for (const line of waitingLines.splice(0)) handleLine(line);
      if (inputEnded) sendAttachmentsAlone();
      if (unacked.size < PAUSE_AT) lines.resume();
      finishIfDone();
    };
    const send = (note: string, target: Conversation | undefined, from: string): void => {
      const carried = attachments;
      attachments = undefined;
      const message = carried ? client.send(composeText(note, carried), target, { attachments: carried }) : client.send(note, target);
      unacked.set(message.id, from);
      if (unacked.size >= PAUSE_AT) lines.pause();
    };
    /** The input had no message line for the attachments: they go on their own. */
    const sendAttachmentsAlone = (): void => {
      if (attachments === undefined || finished) return;
      send('', options.channel !== undefined ? { kind: 'channel', channel: options.channel } : undefined, 'the attachments');
    };

    client.on('state', (state, detail) => {
      const error = detail?.error ?? 'unknown error';
      if (state === 'offline' && !welcomed) {
        // A script is better told at once than left waiting for a server that may never come,
        // once every node it was given has been tried.
        report(formatConnectionProblem('cannot-connect', client.url, error));
        if (++unreachableNodes >= client.nodeCount) finish(EXIT.noConnection);
      } else if (state === 'offline') {
        report(formatConnectionProblem(wasOffline ? 'still-offline' : 'lost', client.url, error, detail?.retryInMs));
        wasOffline = true;
      } else if (state === 'online') {
        if (welcomed) report('reconnected');
        wasOffline = false;
      } else if (state === 'closed' && detail?.error !== undefined && !finished) {
        report(`disconnected: ${detail.error}`);
        finish(EXIT.noConnection);
      }
    });
    client.on('welcome', (welcome) => {
      if (!welcomed) historyUpTo = welcome.seq;
      welcomed = true;
      for (const run of onWelcome.splice(0)) run();
      if (!channelReady && options.channel !== undefined) {
        const channel = options.channel;
        joinChannelFirst(channel).then(channelNowReady, (error: unknown) => {
          const why = error instanceof RelayError ? `${error.code}: ${error.message}` : String(error);
          report(`cannot post to #${channel} (${why})`);
          finish(EXIT.noConnection);
        });
        return;
      }
      finishIfDone();
    });
    client.on('refused', (code, message, detail) => {
      report(formatNameRefused(client.name, code, message, detail.retryAfterMs));
      finish(EXIT.noConnection);
    });
    client.on('message', (message) => {
      if (message.seq > historyUpTo) io.output.write(`${formatMessage(messageView(message, client.name), client.name, Date.now(), { color: false })}\n`);
    });
    client.on('sent', (message) => {
      unacked.delete(message.id);
      if (unacked.size <= RESUME_AT) lines.resume();
      finishIfDone();
    });
    client.on('failed', (message) => {
      const from = unacked.get(message.id);
      if (from === undefined) return;
      unacked.delete(message.id);
      refused++;
      report(`${from}: ${formatNotSent(message)}`);
      finishIfDone();
    });
    client.on('error', (error) => report(formatServerError(error)));

    lines.on('line', (line) => {
      if (finished || inputEnded) return;
      if (channelReady) return handleLine(line);
      waitingLines.push(line);
      if (waitingLines.length >= PAUSE_AT) lines.pause();
    });
    function handleLine(line: string): void {
      if (finished) return;
      lineNumber++;
      const command = parseCommand(line);
      switch (command.kind) {
        case 'empty':
          return;
        case 'say': {
          const channel = command.channel ?? options.channel;
          const target: Conversation | undefined =
            command.to !== undefined ? { kind: 'direct', with: command.to } : channel !== undefined ? { kind: 'channel', channel } : undefined;
          send(command.text, target, `line ${lineNumber}`);
          return;
        }
        case 'who': {
          const printList = (): void => void io.output.write(`${formatUserList(client.onlineUsers, client.name)}\n`);
          if (welcomed) printList();
          else onWelcome.push(printList);
          return;
        }
        case 'help':
          io.output.write(`${COMMAND_HELP}\n`);
          return;
        case 'quit':
          // The rest of the input is not read; what was sent is still waited for.
          lines.close();
          return;
        case 'passwd':
        case 'devices':
        case 'revoke':
        case 'disable':
        case 'enable':
        case 'join':
        case 'leave':
        case 'channels':
        case 'create':
        case 'topic':
        case 'invite':
        case 'members':
        case 'rename':
        case 'archive':
          // They ask for passwords, end the session or change who is where: for a person at a terminal, not a script.
          refused++;
          report(`line ${lineNumber}: /${command.kind} works in interactive mode only: ${formatPreview(line)}`);
          return;
        case 'switch':
          refused++;
          report(`line ${lineNumber}: a line of only #channel switches in interactive mode; a script names its channel with --channel or "#channel text": ${formatPreview(line)}`);
          return;
        case 'invalid':
          refused++;
          report(`line ${lineNumber}: ${command.message}: ${formatPreview(line)}`);
          return;
      }
    }
    lines.on('close', () => {
      inputEnded = true;
      if (channelReady) sendAttachmentsAlone();
      finishIfDone();
    });

    client.connect();
  });
}
