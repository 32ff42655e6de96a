/**
 * The interactive terminal chat: a readline prompt at the bottom, messages and notices printed
 * above it. On a terminal, whatever arrives clears the prompt line, prints, and redraws the
 * prompt with the half-typed text and cursor where they were, so typing is never garbled.
 */
import readline from 'node:readline';
import { GENERAL, isValidChannelName, sameConversation, type Conversation } from '../../protocol';
import type { OutgoingMessage, RelayClient } from '../relay-client';
import { changePassword, revoke, setDisabled, showDevices, type AccountCommandContext } from './account-commands';
import { archive, browse, create, invite, isIn, join, leave, members, rename, switchTo, topic, unreadConversations, type ChannelCommandContext } from './channel-commands';
import { COMMAND_HELP, parseCommand, type Command } from './commands';
import { describe } from './describe-error';
import { EXIT } from './exit-codes';
import { PromptCancelled, readMasked, type TerminalInput } from './masked-prompt';
import { MAX_PASSWORD_TRIES, passwordMayHelp, passwordPrompt } from './password-sign-in';
import {
  formatChannelEvent,
  formatConnectionProblem,
  formatConversation,
  formatError,
  formatMessage,
  formatNameRefused,
  formatNotice,
  formatNotSent,
  formatPresence,
  formatPreview,
  formatServerError,
  formatUnreadElsewhere,
  formatUserList,
  messageView,
  type Style,
} from './format';

export interface InteractiveIO {
  input: TerminalInput;
  output: NodeJS.WritableStream & { columns?: number };
  errors: NodeJS.WritableStream;
  /** Whether the input and output are a terminal: then the prompt is redrawn around output. */
  terminal: boolean;
  style: Style;
  /** Deletes this device's saved token once it is signed out (by /revoke), as it will never work again. */
  forgetSession?: (session: string) => void;
  /** The channel to start in (`--channel`) instead of #general, if the user is in it. */
  channel?: string;
}

/** On /quit, messages still on their way get this long to be acknowledged. */
const QUIT_GRACE_MS = 3000;
/** What arrives in the conversation one is in is read once it has been on the screen this long (one `read` for a burst). */
const MARK_READ_AFTER_MS = 500;

export function runInteractive(client: RelayClient, io: InteractiveIO): Promise<number> {
  return new Promise((resolve) => {
    const style = io.style;
    let history: string[] = [];
    /** Readline's prompt, closed while a password is asked for (so it neither echoes nor keeps it) and opened anew. */
    let prompt = openPrompt();
    let everWelcomed = false;
    /** Whether the last connection attempt ended offline: then a failure is "still offline". */
    let wasOffline = false;
    /** Set while the welcome replays what was missed, to head it once. */
    let catchingUp = false;
    /** Set once quitting starts; the prompt is closed when it is done waiting. */
    let leaving = false;
    let promptClosed = false;
    /**
     * While a password is asked for (the chat prompt set aside): what arrives meanwhile waits
     * here, so it does not land in the middle of the question.
     */
    let held: Array<{ text: string; stream: NodeJS.WritableStream }> | undefined;
    /** Cancels the password question when the session ends while it is asked. */
    let hiddenQuestion: AbortController | undefined;
    /** Password prompts after refused sign-ins so far. */
    let passwordTries = 0;
    /** Set while the refused client waits for a password: its close then is not the end. */
    let awaitingPassword = false;
    /** Set while this device is being signed out on purpose (/revoke): its close ends the session quietly. */
    let signingOut = false;
    /** This device's token, kept as it is issued: a device signed out by /revoke all no longer has it afterwards. */
    let session: string | undefined;
    client.on('session', (issued) => (session = issued));
    /** Where plain lines go, shown by the prompt. */
    let current: Conversation = io.channel === undefined ? GENERAL : { kind: 'channel', channel: io.channel };
    let markReadTimer: ReturnType<typeof setTimeout> | undefined;

    function openPrompt(): readline.Interface {
      const opened = readline.createInterface({ input: io.input, output: io.output, terminal: io.terminal, prompt: '> ', history });
      opened.on('history', (lines: string[]) => (history = lines));
      opened.on('line', onLine);
      // Ctrl+D ends the input; Ctrl+C is asked for explicitly so it quits the same polite way.
      opened.on('close', () => {
        if (!held) void quit(EXIT.ok);
      });
      opened.on('SIGINT', () => void quit(EXIT.ok));
      return opened;
    }

    const redraw = (): void => {
      if (io.terminal && !promptClosed) prompt.prompt(true);
    };

    /** Erases the prompt and what is typed; returns how many rows above the cursor they started. */
    const erasePrompt = (): number => {
      // The cursor may be on a later row of a long, wrapped input line: start from its first row.
      const rowsAboveCursor = prompt.getCursorPos().rows;
      readline.moveCursor(io.output, 0, -rowsAboveCursor);
      readline.cursorTo(io.output, 0);
      readline.clearScreenDown(io.output);
      return rowsAboveCursor;
    };
    /** Prints above the prompt, keeping what is being typed. */
    const show = (text: string, stream: NodeJS.WritableStream = io.output): void => {
      if (held) {
        held.push({ text, stream });
        return;
      }
      if (!io.terminal || promptClosed) {
        stream.write(`${text}\n`);
        return;
      }
      const rowsAboveCursor = erasePrompt();
      // Readline's redraw first moves up as many rows as the cursor was on: give it those rows.
      stream.write(`${text}\n${'\n'.repeat(rowsAboveCursor)}`);
      redraw();
    };
    const showError = (text: string): void => show(formatError(text, style), io.errors);
    const showNotice = (text: string): void => show(formatNotice(text, style));
    /** Puts a line that was refused as typed back on the prompt, to be fixed rather than typed again. */
    const giveBack = (line: string): void => {
      if (io.terminal && !promptClosed) prompt.write(line);
    };
    /** Own messages are shown once the server has stored them, with its time and spelling of names. */
    const showSent = (message: OutgoingMessage): void => {
      const to = message.to === undefined ? undefined : client.spellingOf(message.to);
      const view = {
        from: client.name,
        channel: message.channel,
        text: message.text,
        ts: message.ts ?? Date.now(),
        ...(to !== undefined ? { to } : {}),
        ...(message.attachments !== undefined ? { attachments: message.attachments } : {}),
      };
      show(formatMessage(messageView(view, client.name), client.name, Date.now(), style));
    };
    const setPrompt = (): void => {
      prompt.setPrompt(`${formatConversation(current)}> `);
      redraw();
    };
    /** The conversation one is in has been seen up to the newest message: the user's other devices clear its badge. */
    const markCurrentRead = (): void => {
      clearTimeout(markReadTimer);
      markReadTimer = undefined;
      const seq = client.lastSeq;
      const counts = client.readCounts(current);
      if (seq === undefined || !counts || (counts.unread === 0 && counts.mentions === 0) || client.state !== 'online') return;
      client.markRead(current, seq).catch((error: unknown) => showError(`could not mark ${formatConversation(current)} read ${describe(error)}`));
    };

    /**
     * Sets the chat prompt aside (keeping a half-typed line) while `work` asks without echo,
     * then brings it back with what arrived meanwhile printed above it.
     */
    const askHidden = async <T>(work: (ask: (question: string) => Promise<string>) => Promise<T>): Promise<T> => {
      const typed = prompt.line;
      if (io.terminal) erasePrompt();
      // Held first, so the close is not taken for Ctrl+D.
      held = [];
      prompt.close();
      const question = new AbortController();
      hiddenQuestion = question;
      try {
        return await work((text) => readMasked({ input: io.input, output: io.output }, text, question.signal));
      } finally {
        hiddenQuestion = undefined;
        if (!leaving) {
          const shownPrompt = prompt.getPrompt();
          prompt = openPrompt();
          prompt.setPrompt(shownPrompt);
          showHeld();
          redraw();
          if (typed !== '') prompt.write(typed);
        }
      }
    };
    const showHeld = (): void => {
      const waiting = held ?? [];
      held = undefined;
      for (const { text, stream } of waiting) show(text, stream);
    };

    const quit = async (code: number): Promise<void> => {
      if (leaving) return;
      leaving = true;
      if (client.state === 'online' && client.pending.length > 0) {
        show(formatNotice(`waiting for ${client.pending.length} message(s) to be delivered…`, style));
        await waitForPending(client, QUIT_GRACE_MS);
      }
      if (client.pending.length > 0) showError(`${client.pending.length} message(s) were not delivered`);
      // Leave the terminal with the transcript only, so the shell prompt starts on a clean line.
      if (io.terminal && !held) erasePrompt();
      clearTimeout(markReadTimer);
      promptClosed = true;
      prompt.close();
      hiddenQuestion?.abort();
      showHeld();
      await client.close();
      resolve(code);
    };

    /** After a refused sign-in that a password may get past: asks for one and signs in with it. */
    const askPassword = async (): Promise<void> => {
      passwordTries++;
      awaitingPassword = true;
      let password: string;
      try {
        password = await askHidden((ask) => ask(passwordPrompt(client.name, client.url)));
      } catch (error) {
        if (!(error instanceof PromptCancelled)) throw error;
        showError('sign-in cancelled');
        void quit(EXIT.interrupted);
        return;
      }
      awaitingPassword = false;
      if (!leaving) client.signIn(password);
    };

    const channelContext: ChannelCommandContext = {
      client,
      current: () => current,
      setCurrent: (conversation) => {
        current = conversation;
        setPrompt();
        markCurrentRead();
      },
      notice: showNotice,
      problem: showError,
    };
    const accountContext: AccountCommandContext = {
      client,
      askHidden,
      notice: showNotice,
      problem: showError,
      expectSignOut: () => {
        signingOut = true;
        return () => (signingOut = false);
      },
    };
    /** Runs an account command; whatever it did not expect is shown as one line, never a crash. */
    const run = (command: Promise<void>): void => {
      command.catch((error: unknown) => showError(error instanceof Error ? error.message : String(error)));
    };

    client.on('state', (state, detail) => {
      if (state === 'offline') {
        const problem = !everWelcomed ? 'cannot-connect' : wasOffline ? 'still-offline' : 'lost';
        show(formatNotice(formatConnectionProblem(problem, client.url, detail?.error ?? 'unknown error', detail?.retryInMs), style));
        wasOffline = true;
      } else if (state === 'online') {
        if (everWelcomed) show(formatNotice('reconnected', style));
        wasOffline = false;
      } else if (state === 'closed' && signingOut && !leaving) {
        if (session !== undefined) io.forgetSession?.(session);
        void quit(EXIT.ok);
      } else if (state === 'closed' && detail?.error !== undefined && !leaving && !awaitingPassword) {
        showError(`disconnected: ${detail.error}`);
        void quit(EXIT.noConnection);
      }
    });
    client.on('welcome', (welcome, info) => {
      // A channel one is not in (given with --channel, or left or archived while offline) is no place to talk.
      if (current.kind === 'channel' && !isIn(client, current.channel)) {
        showError(`you are not in ${formatConversation(current)}: talking in #general`);
        current = GENERAL;
      }
      setPrompt();
      passwordTries = 0;
      if (!everWelcomed) {
        show(
          formatNotice(
            `connected as ${client.name}; ${formatUserList(client.onlineUsers, client.name)}. Type /help for commands.`,
            style,
          ),
        );
        const unread = formatUnreadElsewhere(unreadConversations(client).filter((entry) => !sameConversation(entry.conversation, current)));
        if (unread !== undefined) showNotice(unread);
      }
      if (welcome.gap) {
        show(formatNotice('more messages arrived while offline than can be replayed; only the newest are shown', style));
      }
      // The client emits the missed messages right after this event, before anything else runs.
      catchingUp = info.resumed;
      queueMicrotask(() => (catchingUp = false));
      everWelcomed = true;
    });
    client.on('refused', (code, message, detail) => {
      if (io.terminal && passwordMayHelp(code) && passwordTries < MAX_PASSWORD_TRIES) {
        // The first AUTH_REQUIRED is just the server asking for the password; anything else says why it asks again.
        if (passwordTries > 0 || code !== 'AUTH_REQUIRED') showError(`${message} (${code})`);
        void askPassword();
        return;
      }
      showError(formatNameRefused(client.name, code, message, detail.retryAfterMs));
      void quit(EXIT.noConnection);
    });
    client.on('message', (message) => {
      if (catchingUp) {
        catchingUp = false;
        show(formatNotice('while you were away:', style));
      }
      show(formatMessage(messageView(message, client.name), client.name, Date.now(), style));
    });
    client.on('conversations', () => {
      if (markReadTimer === undefined && (client.readCounts(current)?.unread ?? 0) > 0) markReadTimer = setTimeout(markCurrentRead, MARK_READ_AFTER_MS);
    });
    client.on('channel', (event) => {
      show(formatNotice(formatChannelEvent(event, client.name), style));
      if (current.kind !== 'channel') return;
      if (event.event === 'renamed' && event.previous === current.channel) {
        current = { kind: 'channel', channel: event.channel.name };
        setPrompt();
      } else if (event.channel.name === current.channel && !isIn(client, current.channel)) {
        switchTo(channelContext, GENERAL);
      }
    });
    client.on('presence', (name, online) => show(formatPresence(name, online, style)));
    client.on('sent', showSent);
    client.on('failed', (message) => {
      showError(formatNotSent(message));
    });
    client.on('error', (error) => showError(formatServerError(error)));

    function onLine(line: string): void {
      if (io.terminal) eraseEchoedLine(io.output, prompt.getPrompt().length + line.length);
      const command = parseCommand(line);
      switch (command.kind) {
        case 'empty':
          redraw();
          return;
        case 'say': {
          const message = client.send(command.text, targetOf(command, current));
          // Queued while offline (not merely paced, nor refused at once): say so now, show it when it is stored.
          if (client.state !== 'online' && message.status === 'queued') {
            show(formatNotice(`not connected: ${formatPreview(message.text)} is queued and shows here once it is sent`, style));
          }
          return;
        }
        case 'who':
          show(formatNotice(client.state === 'online' ? formatUserList(client.onlineUsers, client.name) : 'not connected right now', style));
          return;
        case 'help':
          show(COMMAND_HELP);
          return;
        case 'quit':
          void quit(EXIT.ok);
          return;
        case 'passwd':
          if (!io.terminal) return showError('/passwd asks for passwords without echo, so it needs a terminal');
          return run(changePassword(accountContext));
        case 'devices':
          return run(showDevices(accountContext));
        case 'revoke':
          return run(revoke(accountContext, command.device));
        case 'disable':
        case 'enable':
          return run(setDisabled(accountContext, command.name, command.kind === 'disable'));
        case 'switch':
          return switchTo(channelContext, command.conversation);
        case 'join':
          return run(join(channelContext, command.channel));
        case 'leave':
          return run(leave(channelContext, command.channel));
        case 'channels':
          return run(browse(channelContext));
        case 'create':
          return run(create(channelContext, command.channel, { private: command.private, ...(command.topic !== undefined ? { topic: command.topic } : {}) }));
        case 'topic':
          return run(topic(channelContext, command.channel, command.topic));
        case 'invite':
          return run(invite(channelContext, command.channel, command.name));
        case 'members':
          return run(members(channelContext, command.channel));
        case 'rename':
          return run(rename(channelContext, command.channel, command.name));
        case 'archive':
          return run(archive(channelContext, command.channel));
        case 'invalid':
          showError(command.message);
          giveBack(line);
          return;
      }
    }
    io.input.on('keypress', () => {
      if (!leaving && !held) sendTyping(client, prompt.line, current);
    });

    show(formatNotice(`connecting to ${client.url} as ${client.name}…`, style));
    client.connect();
  });
}

/** Replaces the line readline echoed on Enter, which is reprinted formatted (or not at all). */
function eraseEchoedLine(output: NodeJS.WritableStream & { columns?: number }, length: number): void {
  // A terminal that reports no size (0 columns, as some ptys do) is taken as 80 wide.
  const columns = output.columns || 80;
  readline.moveCursor(output, 0, -(Math.floor(length / columns) + 1));
  readline.cursorTo(output, 0);
  readline.clearScreenDown(output);
}

/** Where a line's message goes: the person of /msg, the channel of `#c text`, else the conversation one is in. */
function targetOf(command: Extract<Command, { kind: 'say' }>, current: Conversation): Conversation {
  if (command.to !== undefined) return { kind: 'direct', with: command.to };
  if (command.channel !== undefined) return { kind: 'channel', channel: command.channel };
  return current;
}

/** What is being typed tells the others where it goes; a channel no channel can be named is not told. */
function sendTyping(client: RelayClient, line: string, current: Conversation): void {
  const command = parseCommand(line);
  if (command.kind !== 'say') return;
  const target = targetOf(command, current);
  if (target.kind === 'channel' && !isValidChannelName(target.channel)) return;
  client.sendTyping(target);
}

/** Until every pending message is answered, the connection drops, or the time is up. */
function waitForPending(client: RelayClient, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (client.pending.length === 0 || client.state !== 'online') done();
    };
    const done = (): void => {
      clearTimeout(timer);
      client.off('sent', check);
      client.off('failed', check);
      client.off('state', check);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    client.on('sent', check);
    client.on('failed', check);
    client.on('state', check);
  });
}
