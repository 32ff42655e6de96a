/**
 * What a line typed or piped in means, the same in interactive and batch mode: a message to
 * everyone, `/msg NAME text`, or a command; `//` starts text that begins with `/`. A message
 * over the length limit is refused here, before it is sent, so the line can still be fixed.
 */
import { codePointLength, isValidName, LIMITS } from '../../protocol';

export type Command =
  | { kind: 'say'; text: string; to?: string }
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
  'Type a message and press Enter to send it to everyone.',
  '  /msg NAME text   send a private message to NAME',
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
  'Start a line with // to send text that begins with /.',
].join('\n');

const MSG_USAGE = 'usage: /msg NAME text';

export function parseCommand(line: string): Command {
  if (line.trim() === '') return { kind: 'empty' };
  if (line.startsWith('//')) return say(line.slice(1));
  if (!line.startsWith('/')) return say(line);
  const word = line.slice(1).split(/\s/, 1)[0] ?? '';
  switch (word.toLowerCase()) {
    case 'msg':
      return parseMsg(line);
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

function say(text: string, to?: string): Command {
  const length = codePointLength(text);
  if (length > LIMITS.textMaxCodePoints) {
    return {
      kind: 'invalid',
      message: `the message is ${length} characters long; the limit is ${LIMITS.textMaxCodePoints}, so it was not sent`,
    };
  }
  return { kind: 'say', text, ...(to !== undefined ? { to } : {}) };
}
