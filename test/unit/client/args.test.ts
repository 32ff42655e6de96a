import assert from 'node:assert/strict';
import { DEFAULT_URL, parseInvite, parseTerminalArgs, USAGE, UsageError } from '../../../client/terminal/args';

const onTerminal = { userName: 'tester', stdinIsTTY: true };

describe('client: terminal command line', () => {
  it('defaults to the local server, the OS user name and interactive mode on a terminal', () => {
    assert.deepEqual(parseTerminalArgs([], {}, onTerminal), {
      command: 'chat',
      options: { url: DEFAULT_URL, name: 'tester', batch: false, passwordStdin: false },
    });
  });

  it('takes flags over environment variables over defaults', () => {
    const env = { RELAY_CHAT_URL: 'ws://env:1', RELAY_CHAT_NAME: 'envname' };
    assert.deepEqual(parseTerminalArgs([], env, onTerminal), {
      command: 'chat',
      options: { url: 'ws://env:1', name: 'envname', batch: false, passwordStdin: false },
    });
    assert.deepEqual(parseTerminalArgs(['--url=wss://flag:2', '--name', 'flagname', '--batch'], env, onTerminal), {
      command: 'chat',
      options: { url: 'wss://flag:2', name: 'flagname', batch: true, passwordStdin: false },
    });
  });

  it('takes the nodes of one server as a comma-separated --url, the first naming the server', () => {
    assert.deepEqual(parseTerminalArgs(['--url', 'wss://a:4446, wss://b:4446'], {}, onTerminal), {
      command: 'chat',
      options: { url: 'wss://a:4446', otherNodes: ['wss://b:4446'], name: 'tester', batch: false, passwordStdin: false },
    });
    assert.throws(() => parseTerminalArgs(['--url', 'wss://a:4446,http://b'], {}, onTerminal), /must start with ws:\/\/ or wss:\/\//);
  });

  it('takes --password-stdin', () => {
    const parsed = parseTerminalArgs(['--password-stdin'], {}, onTerminal);
    assert.equal(parsed.command === 'chat' && parsed.options.passwordStdin, true);
  });

  it('switches to batch mode when stdin is not a terminal', () => {
    const parsed = parseTerminalArgs([], {}, { userName: 'x', stdinIsTTY: false });
    assert.equal(parsed.command === 'chat' && parsed.options.batch, true);
  });

  it('answers --help and --version', () => {
    assert.deepEqual(parseTerminalArgs(['--help'], {}, onTerminal), { command: 'help' });
    assert.deepEqual(parseTerminalArgs(['-v'], {}, onTerminal), { command: 'version' });
  });

  it('refuses unknown flags, bad URLs and names that cannot be used', () => {
    assert.throws(() => parseTerminalArgs(['--nme', 'x'], {}, onTerminal), UsageError);
    assert.throws(() => parseTerminalArgs(['stray'], {}, onTerminal), UsageError);
    assert.throws(() => parseTerminalArgs(['--url', 'http://host:1'], {}, onTerminal), /must start with ws:\/\/ or wss:\/\//);
    assert.throws(() => parseTerminalArgs(['--url', 'nonsense'], {}, onTerminal), /is not a URL/);
    assert.throws(() => parseTerminalArgs(['--name', 'two words'], {}, onTerminal), /the name "two words" cannot be used/);
    assert.throws(() => parseTerminalArgs([], {}, { userName: 'DOMAIN\\me', stdinIsTTY: true }), /your user name .* --name/);
  });

  it('parses login with its flags, the invite as a code or as the whole link', () => {
    assert.deepEqual(parseTerminalArgs(['login', '--name', 'dana', '--password-stdin', '--device', 'build box'], {}, onTerminal), {
      command: 'login',
      options: { url: DEFAULT_URL, name: 'dana', passwordStdin: true, device: 'build box' },
    });
    assert.deepEqual(parseTerminalArgs(['login', '--invite', 'Ab-_9z'], { RELAY_CHAT_URL: 'ws://env:1' }, onTerminal), {
      command: 'login',
      options: { url: 'ws://env:1', name: 'tester', passwordStdin: false, invite: 'Ab-_9z' },
    });
    const link = `vscode://relay-chat.relay-chat/invite?server=${encodeURIComponent('wss://chat.example:4446')}&code=Ab-_9z`;
    assert.deepEqual(parseTerminalArgs(['login', '--invite', link], { RELAY_CHAT_URL: 'ws://env:1' }, onTerminal), {
      command: 'login',
      options: { url: 'wss://chat.example:4446', name: 'tester', passwordStdin: false, invite: 'Ab-_9z' },
    });
    const withUrl = parseTerminalArgs(['login', '--invite', link, '--url', 'ws://mine:2'], {}, onTerminal);
    assert.equal(withUrl.command === 'login' && withUrl.options.url, 'ws://mine:2', '--url wins over the link');
    assert.deepEqual(parseInvite('vscode://relay-chat.relay-chat/invite?code=xyz'), { code: 'xyz' });
  });

  it('refuses invites and device labels that cannot be sent, and chat flags on login', () => {
    assert.throws(() => parseInvite('https://relay-chat.relay-chat/invite?code=x'), /is not an invite link/);
    assert.throws(() => parseInvite('vscode://other.extension/invite?code=x'), /is not an invite link/);
    assert.throws(() => parseInvite('vscode://relay-chat.relay-chat/invite?server=ws%3A%2F%2Fh'), /has no code/);
    assert.throws(() => parseInvite('vscode://relay-chat.relay-chat/invite?server=http%3A%2F%2Fh&code=x'), /must start with ws:\/\//);
    assert.throws(() => parseInvite('two words'), /an invite code is 1 to 64 characters/);
    assert.throws(() => parseInvite('x'.repeat(65)), /an invite code is 1 to 64 characters/);
    assert.throws(() => parseTerminalArgs(['login', '--device', 'x'.repeat(65)], {}, onTerminal), /a device label is 1 to 64/);
    assert.throws(() => parseTerminalArgs(['login', '--device', 'a\x1b[2Jb'], {}, onTerminal), /a device label/);
    assert.throws(() => parseTerminalArgs(['login', '--batch'], {}, onTerminal), UsageError);
    assert.throws(() => parseTerminalArgs(['logout', '--invite', 'x'], {}, onTerminal), UsageError);
  });

  it('parses logout, and --help for every command', () => {
    assert.deepEqual(parseTerminalArgs(['logout', '--url', 'ws://h:1', '--ca', 'ca.pem'], { RELAY_CHAT_NAME: 'dana' }, onTerminal), {
      command: 'logout',
      options: { url: 'ws://h:1', name: 'dana', caFile: 'ca.pem' },
    });
    assert.deepEqual(parseTerminalArgs(['login', '--help'], {}, onTerminal), { command: 'help' });
    assert.deepEqual(parseTerminalArgs(['logout', '-h'], {}, onTerminal), { command: 'help' });
    assert.match(USAGE, /relay-chat login .*--invite CODE\|LINK/);
    assert.match(USAGE, /relay-chat logout /);
  });

  it('takes --channel (or RELAY_CHAT_CHANNEL), with or without the #, and refuses a name no channel can have', () => {
    const chat = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
      const parsed = parseTerminalArgs(argv, env, onTerminal);
      return parsed.command === 'chat' ? parsed.options.channel : 'not chat';
    };
    assert.equal(chat(['--batch', '--channel', 'build']), 'build');
    assert.equal(chat(['--batch', '--channel=#build']), 'build');
    assert.equal(chat(['--batch'], { RELAY_CHAT_CHANNEL: '#ops' }), 'ops');
    assert.equal(chat(['--batch', '--channel', 'build'], { RELAY_CHAT_CHANNEL: 'ops' }), 'build');
    assert.equal(chat([]), undefined);
    for (const bad of ['Build', 'two words', '#', 'x'.repeat(33)]) {
      assert.throws(() => parseTerminalArgs(['--channel', bad], {}, onTerminal), /cannot be a channel: a channel name is 1 to 32 lower-case letters/, bad);
    }
    assert.match(USAGE, /--channel NAME[\s\S]*RELAY_CHAT_CHANNEL/);
  });
});
