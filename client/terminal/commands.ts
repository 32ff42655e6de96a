/**
 * What a line typed or piped in means, the same in interactive and batch mode: a message (to
 * the conversation one is in, `#channel text` to a channel, `/msg NAME text` to a person), or a
 * command; `//` starts text that begins with `/`, `##` text that begins with `#`. A message
 * over the length limit is refused here, before it is sent, so the line can still be fixed.
 */
import { codePointLength, isValidName, LIMITS, type Conversation } from '../../protocol';

/** A channel as typed: `#name` (the `#` may be left out where only a channel can be meant). */
const CHANNEL_WORD = /^#?([^\s#@]+)$/;
/** `#name text` or `#name` alone at the start of a line; a `#` followed by a space or nothing is text. */
const CHANNEL_LINE = /^#([^\s#]+)(?:\s(.*))?$/s;

export type Command =
  | { kind: 'say'; text: string; to?: string; channel?: string }
  | { kind: 'switch'; conversation: Conversation }
  | { kind: 'join'; channel: string }
  | { kind: 'leave'; channel?: string }
  | { kind: 'channels' }
  | { kind: 'create'; channel: string; private: boolean; topic?: string }
  | { kind: 'topic'; channel?: string; topic?: string }
  | { kind: 'invite'; channel: string; name: string }
  | { kind: 'members'; channel?: string }
  | { kind: 'rename'; channel: string; name: string }
  | { kind: 'archive'; channel?: string }
  | { kind: 'who' }
  | { kind: 'help' }
  | { kind: 'quit' }
  | { kind: 'passwd' }
  | { kind: 'devices' }
  | { kind: 'revoke'; device: number | 'all' }
  | { kind: 'disable' | 'enable'; name: string }
  | { kind: 'empty' }
  | { kind: 'invalid'; message: string };

export const COMMAND_HELP = [
  'Type a message and press Enter to send it to the conversation you are in (the prompt shows it).',
  '  #channel text    send to #channel without switching to it',
  '  /msg NAME text   send a private message to NAME',
  '  /switch #channel, /switch @NAME, or #channel alone: talk there from now on',
  '  /channels        browse the channels: members, topic, joined, unread',
  '  /join #channel   join a public channel and switch to it',
  '  /leave [#channel]  leave a channel (the one you are in when none is named)',
  '  /create #channel [--private] [topic…]  create a channel and switch to it',
  '  /topic [#channel] [text]  show or set the topic (the creator or an admin sets it)',
  '  /invite #channel NAME  add NAME to a channel you are in (the way into a private one)',
  '  /members [#channel]  list who is in a channel',
  '  /rename #channel #new  rename a channel (its creator or an admin)',
  '  /archive [#channel]  archive a channel: read-only and out of the lists (its creator or an admin)',
  '  /who             list who is online',
  '  /help            show this help',
  '  /quit            leave (Ctrl+D and Ctrl+C too)',
  'Your account (interactive only):',
  '  /passwd          set or change your password',
  '  /devices         list the devices signed in as you',
  '  /revoke ID|all   sign out a device from /devices, or all of them (this one too)',
  'For admins (interactive only):',
  '  /disable NAME    disconnect NAME\'s devices and stop them signing in',
  '  /enable NAME     let a disabled NAME sign in again',
  'Start a line with // to send text that begins with /, with ## for text that begins with #.',
].join('\n');

const MSG_USAGE = 'usage: /msg NAME text';

export function parseCommand(line: string): Command {
  if (line.trim() === '') return { kind: 'empty' };
  if (line.startsWith('//') || line.startsWith('##')) return say(line.slice(1));
  const toChannel = CHANNEL_LINE.exec(line);
  if (toChannel) {
    const [, channel = '', text] = toChannel;
    if (text === undefined || text.trim() === '') return { kind: 'switch', conversation: { kind: 'channel', channel } };
    return say(text, { channel });
  }
  if (!line.startsWith('/')) return say(line);
  const word = line.slice(1).split(/\s/, 1)[0] ?? '';
  switch (word.toLowerCase()) {
    case 'msg':
      return parseMsg(line);
    case 'switch':
      return parseSwitch(argumentsOf(line));
    case 'join':
      return withChannel(argumentsOf(line), 'usage: /join #channel', (channel) => ({ kind: 'join', channel }));
    case 'leave': {
      const rest = argumentsOf(line);
      if (rest === '') return { kind: 'leave' };
      return withChannel(rest, 'usage: /leave [#channel]', (channel) => ({ kind: 'leave', channel }));
    }
    case 'channels':
      return { kind: 'channels' };
    case 'create':
      return parseCreate(argumentsOf(line));
    case 'topic':
      return parseTopic(argumentsOf(line));
    case 'invite':
      return parseInvite(argumentsOf(line));
    case 'rename':
      return parseRename(argumentsOf(line));
    case 'archive': {
      const rest = argumentsOf(line);
      if (rest === '') return { kind: 'archive' };
      return withChannel(rest, 'usage: /archive [#channel]', (channel) => ({ kind: 'archive', channel }));
    }
    case 'members': {
      const rest = argumentsOf(line);
      if (rest === '') return { kind: 'members' };
      return withChannel(rest, 'usage: /members [#channel]', (channel) => ({ kind: 'members', channel }));
    }
    case 'who':
      return { kind: 'who' };
    case 'help':
      return { kind: 'help' };
    case 'quit':
    case 'exit':
      return { kind: 'quit' };
    case 'passwd':
      return { kind: 'passwd' };
    case 'devices':
      return { kind: 'devices' };
    case 'revoke':
      return parseRevoke(line);
    case 'disable':
    case 'enable':
      return parseAdmin(word.toLowerCase() as 'disable' | 'enable', line);
    default:
      return {
        kind: 'invalid',
        message: `unknown command /${word}: type /help for the list, or start the line with // to send it as text`,
      };
  }
}

const REVOKE_USAGE = 'usage: /revoke ID|all (the IDs are in /devices)';

/** `/revoke 3` or `/revoke all`. */
function parseRevoke(line: string): Command {
  const argument = line.slice('/revoke'.length).trim();
  if (argument.toLowerCase() === 'all') return { kind: 'revoke', device: 'all' };
  if (!/^[1-9][0-9]{0,14}$/.test(argument)) return { kind: 'invalid', message: REVOKE_USAGE };
  return { kind: 'revoke', device: Number(argument) };
}

/** `/disable NAME` or `/enable NAME`. */
function parseAdmin(kind: 'disable' | 'enable', line: string): Command {
  const name = line.slice(1 + kind.length).trim();
  if (!isValidName(name)) return { kind: 'invalid', message: `usage: /${kind} NAME (a name is 1 to ${LIMITS.nameMaxLength} letters, digits, "_", "-" and ".")` };
  return { kind, name };
}

/** `/msg NAME text`: the text is kept as typed after the single space that ends the name. */
function parseMsg(line: string): Command {
  const match = /^\/msg\s+(\S+)(?:\s(.*))?$/is.exec(line);
  if (!match) return { kind: 'invalid', message: `${MSG_USAGE} (the name is missing)` };
  const [, to = '', text = ''] = match;
  if (!isValidName(to)) {
    return {
      kind: 'invalid',
      message: `"${to}" is not a name: names are 1 to ${LIMITS.nameMaxLength} letters, digits, "_", "-" and "."`,
    };
  }
  if (text.trim() === '') return { kind: 'invalid', message: `${MSG_USAGE} (the message is missing)` };
  return say(text, to);
}

/** What follows the command word, trimmed. */
function argumentsOf(line: string): string {
  return line.replace(/^\/\S*/, '').trim();
}

/** The first word and the rest (kept as typed after the single space that ends the word). */
function firstWord(text: string): [string, string | undefined] {
  const match = /^(\S+)(?:\s(.*))?$/s.exec(text);
  return match ? [match[1] ?? '', match[2]] : ['', undefined];
}

function withChannel(word: string, usage: string, make: (channel: string) => Command): Command {
  const match = CHANNEL_WORD.exec(word);
  return match ? make(match[1] ?? '') : { kind: 'invalid', message: usage };
}

const SWITCH_USAGE = 'usage: /switch #channel or /switch @NAME';

/** `/switch #build` or `/switch @bob`. */
function parseSwitch(rest: string): Command {
  if (rest.startsWith('@')) {
    const name = rest.slice(1);
    if (!isValidName(name)) return { kind: 'invalid', message: `${SWITCH_USAGE} (a name is 1 to ${LIMITS.nameMaxLength} letters, digits, "_", "-" and ".")` };
    return { kind: 'switch', conversation: { kind: 'direct', with: name } };
  }
  return withChannel(rest, SWITCH_USAGE, (channel) => ({ kind: 'switch', conversation: { kind: 'channel', channel } }));
}

const CREATE_USAGE = 'usage: /create #channel [--private] [topic…]';

/** `/create #ops --private pager duty`. */
function parseCreate(rest: string): Command {
  const [word, afterName] = firstWord(rest);
  const match = CHANNEL_WORD.exec(word);
  if (!match) return { kind: 'invalid', message: CREATE_USAGE };
  let topic = afterName?.trim() ?? '';
  const isPrivate = /^--private(\s|$)/.test(topic);
  if (isPrivate) topic = topic.slice('--private'.length).trim();
  return { kind: 'create', channel: match[1] ?? '', private: isPrivate, ...(topic !== '' ? { topic } : {}) };
}

/** `/topic`, `/topic #build`, `/topic new words`, `/topic #build new words`. */
function parseTopic(rest: string): Command {
  if (rest === '') return { kind: 'topic' };
  if (!rest.startsWith('#')) return { kind: 'topic', topic: rest };
  const [word, text] = firstWord(rest);
  const match = CHANNEL_WORD.exec(word);
  if (!match) return { kind: 'invalid', message: 'usage: /topic [#channel] [text]' };
  const topic = text?.trim() ?? '';
  return { kind: 'topic', channel: match[1] ?? '', ...(topic !== '' ? { topic } : {}) };
}

const RENAME_USAGE = 'usage: /rename #channel #new-name';

/** `/rename #build #ci`. */
function parseRename(rest: string): Command {
  const words = rest.split(/\s+/);
  const from = CHANNEL_WORD.exec(words[0] ?? '');
  const to = CHANNEL_WORD.exec(words[1] ?? '');
  if (words.length !== 2 || !from || !to) return { kind: 'invalid', message: RENAME_USAGE };
  return { kind: 'rename', channel: from[1] ?? '', name: to[1] ?? '' };
}

const INVITE_USAGE = 'usage: /invite #channel NAME';

function parseInvite(rest: string): Command {
  const words = rest.split(/\s+/);
  const channel = CHANNEL_WORD.exec(words[0] ?? '');
  if (words.length !== 2 || !channel) return { kind: 'invalid', message: INVITE_USAGE };
  const name = words[1] ?? '';
  if (!isValidName(name)) return { kind: 'invalid', message: `${INVITE_USAGE} ("${name}" is not a name)` };
  return { kind: 'invite', channel: channel[1] ?? '', name };
}

function say(text: string, to?: string | { channel: string }): Command {
  const length = codePointLength(text);
  if (length > LIMITS.textMaxCodePoints) {
    return {
      kind: 'invalid',
      message: `the message is ${length} characters long; the limit is ${LIMITS.textMaxCodePoints}, so it was not sent`,
    };
  }
  const target = to === undefined ? {} : typeof to === 'string' ? { to } : to;
  return { kind: 'say', text, ...target };
}
