import assert from 'node:assert/strict';
import { DEFAULT_URL, parseTerminalArgs, UsageError } from '../../../client/terminal/args';

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
});
