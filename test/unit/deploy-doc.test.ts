/**
 * docs/deploy.md against the code: the commands it shows parse as the CLIs read them, every flag
 * and environment variable it names exists, its environment file makes a node on PostgreSQL and
 * Redis behind a proxy, and the proxy time-outs outlast the server's heartbeat. The doc's commands
 * were run by hand; this keeps them true when a flag is renamed or a default changes.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseTerminalArgs, USAGE as CLIENT_USAGE } from '../../client/terminal/args';
import { parseCli, USAGE as SERVER_USAGE } from '../../server/cli-args';
import { DEFAULTS } from '../../server/options';

const DOC = readFileSync(path.resolve(__dirname, '../../docs/deploy.md'), 'utf8');
const lines = DOC.split('\n');

/** The lines inside fenced code blocks. */
const codeLines = ((): string[] => {
  const inside: string[] = [];
  let fenced = false;
  for (const line of lines) {
    if (line.startsWith('```')) fenced = !fenced;
    else if (fenced) inside.push(line);
  }
  return inside;
})();

/** `/etc/relay-chat/common.env` as the doc shows it, plus the unit's own `Environment=` lines for one instance. */
const nodeEnv = ((): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {};
  for (const line of codeLines) {
    const match = /^(?:Environment=)?(RELAY_CHAT_[A-Z_]+)=(\S+)$/.exec(line);
    if (match) env[match[1]!] = match[2]!.replace('%i', '4447');
  }
  return env;
})();

/** The arguments of each shown invocation of `command` (after a pipe, without a trailing comment), with `$VARS` from the node's environment. */
function invocations(command: 'relay-chat-server' | 'relay-chat'): string[][] {
  const start = new RegExp(`(?:^|\\| )${command} (.*)$`);
  const found: string[][] = [];
  for (const line of codeLines) {
    if (line.trim().startsWith('#')) continue;
    const match = start.exec(line);
    if (!match) continue;
    const words = match[1]!.replace(/\s#.*$/, '').trim().split(/\s+/);
    found.push(words.map((word) => word.replace(/^"(.*)"$/, '$1').replace(/^\$(\w+)$/, (_, name: string) => nodeEnv[name] ?? `$${name}`)));
  }
  return found;
}

/** Every `--flag` on the doc's lines that `belongs` picks. */
function flagsOn(belongs: (line: string) => boolean): Set<string> {
  return new Set(lines.filter(belongs).flatMap((line) => line.match(/(?<![\w-])--[a-z][a-z-]*/g) ?? []));
}

describe('docs/deploy.md', () => {
  it('shows an environment file that makes a node on PostgreSQL and Redis behind a local proxy', () => {
    const command = parseCli([], nodeEnv);
    assert.equal(command.command, 'serve');
    if (command.command !== 'serve') return;
    assert.equal(command.host, '127.0.0.1');
    assert.equal(command.port, 4447);
    assert.equal(command.dataDir, '/var/lib/relay-chat/4447');
    assert.ok(command.store?.url.startsWith('postgres://'), 'a PostgreSQL store');
    assert.ok(command.redis?.url, 'a Redis');
    assert.equal(command.trustProxy, true);
    assert.equal(command.registration, 'invite');
    assert.equal(command.publicUrl, 'wss://chat.example.com');
  });

  it('shows only server commands that the server CLI accepts', () => {
    const shown = invocations('relay-chat-server');
    assert.ok(shown.length >= 6, `found ${shown.length} relay-chat-server commands`);
    for (const args of shown) assert.doesNotThrow(() => parseCli(args, nodeEnv), `relay-chat-server ${args.join(' ')}`);
  });

  it('shows only client commands that the terminal client accepts', () => {
    const shown = invocations('relay-chat');
    assert.ok(shown.length >= 2, `found ${shown.length} relay-chat commands`);
    for (const args of shown) {
      assert.doesNotThrow(() => parseTerminalArgs(args, {}, { userName: 'tester', stdinIsTTY: false }), `relay-chat ${args.join(' ')}`);
    }
  });

  it('names only server flags and environment variables that relay-chat-server --help lists', () => {
    const serverFlags = flagsOn((line) => /relay-chat-server /.test(line) || line.startsWith('| `--'));
    assert.ok(serverFlags.has('--presence-ttl-ms') && serverFlags.has('--redis-ca'), 'the configuration table is read');
    for (const flag of serverFlags) assert.match(SERVER_USAGE, new RegExp(`${flag}\\b`), flag);
    const variables = new Set(DOC.match(/RELAY_CHAT_[A-Z_]+/g) ?? []);
    for (const variable of variables) assert.match(SERVER_USAGE, new RegExp(`${variable}\\b`), variable);
  });

  it('names only client flags that relay-chat --help lists', () => {
    const clientFlags = flagsOn((line) => /(?:^|[\s|`(])relay-chat (?:login |--)/.test(line));
    assert.ok(clientFlags.has('--ca'), 'the client commands are read');
    for (const flag of clientFlags) assert.match(CLIENT_USAGE, new RegExp(`${flag}\\b`), flag);
  });

  it('gives the proxies time-outs longer than the server heartbeat', () => {
    const timeouts = [...DOC.matchAll(/proxy_(?:read|send)_timeout (\d+)s/g)].map((match) => Number(match[1]) * 1000);
    assert.equal(timeouts.length, 2);
    for (const timeout of timeouts) assert.ok(timeout > 2 * DEFAULTS.heartbeatMs, `${timeout} ms`);
  });
});
