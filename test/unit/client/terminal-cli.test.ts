import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer } from 'ws';
import type { RelayClient } from '../../../client/relay-client';
import type { RelayServer } from '../../../server';
import { truncate } from '../../../client/untrusted-text';
import { startTestServer, tempDir } from '../../support/server';
import { CLI, CliRuns, type CliRun } from './cli-runs';
import { ClientPool, makeClient, nextEvent, online, until } from './helpers';

describe('client: relay-chat terminal client (built CLI, batch mode)', function () {
  this.timeout(20_000);
  let server: RelayServer;
  let config: { path: string; remove: () => void };
  const pool = new ClientPool(() => server.url);
  const runs = new CliRuns();

  /** Starts the CLI with its own config folder; `input` is written to stdin, which ends unless kept open. */
  function run(args: string[], input: string, keepStdinOpen = false, configDir = config.path): CliRun {
    return runs.run(args, input, configDir, keepStdinOpen);
  }

  function watcher(name = 'watcher'): Promise<RelayClient> {
    return online(pool.client(name));
  }

  before(() => {
    assert.ok(fs.existsSync(CLI), `${CLI} is missing: run npm run build first`);
  });
  beforeEach(async () => {
    server = await startTestServer();
    config = tempDir('relay-chat-cli-');
  });
  afterEach(async () => {
    runs.killAll();
    await pool.closeAll();
    await server.close();
    config.remove();
  });

  it('two clients chat: one receives the other’s group and private messages, not the old history', async () => {
    const watching = await watcher();
    watching.send('old news');
    await nextEvent(watching, 'sent');

    const bobJoined = nextEvent(watching, 'presence', (name, isOnline) => name === 'bob' && isOnline);
    const bob = run(['--url', server.url, '--name', 'bob', '--batch'], '', true);
    await bobJoined;

    const alice = run(['--url', server.url, '--name', 'alice'], 'hello everyone\n\n/msg bob just for you\n');
    assert.equal(await alice.exited, 0, alice.output.stderr);
    assert.equal(alice.output.stdout, '', 'alice received nothing');

    await until(() => bob.output.stdout.split('\n').length >= 3, 'bob has printed two messages');
    const lines = bob.output.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 2, bob.output.stdout);
    assert.match(lines[0]!, /^\[\d\d:\d\d\] #general alice: hello everyone$/);
    assert.match(lines[1]!, /^\[\d\d:\d\d\] alice → you: just for you$/);

    bob.child.stdin.end();
    assert.equal(await bob.exited, 0, bob.output.stderr);
    assert.equal(bob.output.stderr, '');

    const sessions = path.join(config.path, 'sessions.json');
    assert.equal(fs.statSync(sessions).mode & 0o777, 0o600);
    const saved = JSON.parse(fs.readFileSync(sessions, 'utf8'));
    const serverId = saved.urls[`${server.url}/`];
    assert.ok(serverId, fs.readFileSync(sessions, 'utf8'));
    assert.deepEqual(Object.keys(saved.servers[serverId]).sort(), ['alice', 'bob']);
  });

  it('--channel posts a bot\'s lines to a public channel, joining it first; a private one it is not in exits 3', async () => {
    const owner = makeClient(server.url, 'owner', { protocol: 2 });
    pool.track(owner);
    await online(owner);
    await owner.createChannel('build');
    await owner.createChannel('ops', { private: true });
    const posted: string[] = [];
    owner.on('message', (message) => posted.push(`${message.channel ?? '-'} ${message.from}: ${message.text}`));

    const lines = Array.from({ length: 5 }, (_, i) => `build ${i + 1} passed`);
    const bot = run(['--url', server.url, '--name', 'ci-bot', '--batch', '--channel', '#build'], `${lines.join('\n')}\n`);
    assert.equal(await bot.exited, 0, bot.output.stderr);
    assert.equal(bot.output.stderr, '');
    await until(() => posted.length === lines.length, 'every line is in #build');
    assert.deepEqual(posted, lines.map((line) => `build ci-bot: ${line}`));

    const intruder = run(['--url', server.url, '--name', 'intruder', '--batch', '--channel', 'ops'], 'let me in\n');
    assert.equal(await intruder.exited, 3);
    assert.match(intruder.output.stderr, /cannot post to #ops \(UNKNOWN_CHANNEL: /);
    assert.equal(posted.length, lines.length, 'nothing reached #ops, nor any other channel');
  });

  it('in batch mode, given several nodes, goes on to the next when the first cannot be reached, and gives up only after all', async () => {
    const reader = await watcher('reader');
    const got: string[] = [];
    reader.on('message', (message) => got.push(message.text));
    const down = 'ws://127.0.0.1:1';
    const bot = run(['--url', `${down},${server.url}`, '--name', 'bot', '--batch'], 'via the second node\n');
    assert.equal(await bot.exited, 0, bot.output.stderr);
    assert.match(bot.output.stderr, /cannot connect to ws:\/\/127\.0\.0\.1:1 /, 'the node that failed is named');
    await until(() => got.includes('via the second node'), 'the message arrived');

    const nowhere = run(['--url', `${down},ws://127.0.0.1:2`, '--name', 'bot', '--batch'], 'lost\n');
    assert.equal(await nowhere.exited, 3);
    assert.match(nowhere.output.stderr, /cannot connect to ws:\/\/127\.0\.0\.1:1 [^]*cannot connect to ws:\/\/127\.0\.0\.1:2 /);
  });

  it('reconnects by itself after a server restart and prints what was sent meanwhile, once', async () => {
    const data = tempDir();
    try {
      await server.close();
      server = await startTestServer({ dataDir: data.path });
      const port = server.port;
      const watching = await watcher();
      const bobJoined = nextEvent(watching, 'presence', (name, isOnline) => name === 'bob' && isOnline);
      const bob = run(['--url', server.url, '--name', 'bob', '--batch'], '', true);
      await bobJoined;

      await server.close();
      await until(() => /connection lost \(the server is shutting down\); retrying in/.test(bob.output.stderr), 'bob reports the drop');
      server = await startTestServer({ dataDir: data.path, port });
      await nextEvent(watching, 'welcome');
      watching.send('while you were away');
      await until(() => bob.output.stderr.includes('reconnected') && bob.output.stdout.includes('away'), 'bob is back with the message');
      const marker = watching.send('marker');
      await nextEvent(watching, 'sent', (m) => m.id === marker.id);
      await until(() => bob.output.stdout.includes('marker'), 'bob has the marker');
      assert.match(bob.output.stdout, /^\[\d\d:\d\d\] #general watcher: while you were away\n\[\d\d:\d\d\] #general watcher: marker\n$/);
      bob.child.stdin.end();
      assert.equal(await bob.exited, 0);
    } finally {
      await pool.closeAll();
      await server.close();
      data.remove();
    }
  });

  it('keeps the name across runs with the saved session', async () => {
    const first = run(['--url', server.url, '--name', 'alice'], 'first run\n');
    assert.equal(await first.exited, 0, first.output.stderr);
    const second = run(['--url', server.url, '--name', 'Alice'], 'second run\n');
    assert.equal(await second.exited, 0, second.output.stderr);
  });

  it('keeps the name whatever spelling of the server URL is used, and for __proto__ too', async () => {
    const first = run(['--url', server.url, '--name', 'alice'], 'first run\n');
    assert.equal(await first.exited, 0, first.output.stderr);
    const other = run(['--url', `ws://localhost:${server.port}`, '--name', 'alice'], 'other spelling\n');
    assert.equal(await other.exited, 0, other.output.stderr);
    const proto = run(['--url', server.url, '--name', '__proto__'], 'first run\n');
    assert.equal(await proto.exited, 0, proto.output.stderr);
    const protoAgain = run(['--url', server.url, '--name', '__proto__'], 'second run\n');
    assert.equal(await protoAgain.exited, 0, protoAgain.output.stderr);
  });

  it('never offers a secret to another server that now answers at the same address', async () => {
    const first = run(['--url', server.url, '--name', 'alice'], 'on server A\n');
    assert.equal(await first.exited, 0, first.output.stderr);
    const sessionFile = path.join(config.path, 'sessions.json');
    const serverA = JSON.parse(fs.readFileSync(sessionFile, 'utf8')).urls[`${server.url}/`];
    const port = server.port;
    await server.close();

    // Another installation on the same port: it says who it is, and records the hello it gets.
    const hellos: Array<{ session?: string }> = [];
    const other = http.createServer((request, response) => response.end(JSON.stringify({ ok: true, server: 'server-b' })));
    const wss = new WebSocketServer({ server: other });
    wss.on('connection', (socket) =>
      socket.on('message', (data: Buffer) => {
        const frame = JSON.parse(data.toString());
        if (frame.type === 'hello') {
          hellos.push(frame);
          socket.send(JSON.stringify({ type: 'welcome', name: 'alice', session: 'secret-b', server: 'server-b', users: ['alice'], messages: [], seq: 0 }));
        } else if (frame.type === 'say') {
          socket.send(JSON.stringify({ type: 'ack', id: frame.id, seq: 1, ts: Date.now() }));
        }
      }),
    );
    await new Promise<void>((resolve) => other.listen(port, '127.0.0.1', resolve));
    try {
      const second = run(['--url', server.url, '--name', 'alice'], 'on server B\n');
      assert.equal(await second.exited, 0, second.output.stderr);
      assert.deepEqual(hellos.map((hello) => hello.session), [undefined]);
      const saved = JSON.parse(fs.readFileSync(sessionFile, 'utf8'));
      assert.deepEqual(Object.keys(saved.servers).sort(), [serverA, 'server-b'].sort());
      assert.ok(saved.servers[serverA].alice, 'server A’s secret is kept for when it is back');
      assert.equal(saved.servers['server-b'].alice, 'secret-b');
      assert.equal(saved.urls[`${server.url}/`], 'server-b');
    } finally {
      for (const socket of wss.clients) socket.terminate();
      other.closeAllConnections();
      await new Promise((resolve) => other.close(resolve));
      server = await startTestServer();
    }
  });

  it('exits 1 and names the line the server refused; the other lines still go', async () => {
    const watching = await watcher();
    const delivered = nextEvent(watching, 'message', (m) => m.text === 'this one is fine');
    const cli = run(['--url', server.url, '--name', 'alice'], '/msg nobody hi there\nthis one is fine\n/msg\n');
    assert.equal(await cli.exited, 1);
    await delivered;
    assert.match(cli.output.stderr, /line 1: not sent \(UNKNOWN_USER\): no user is named "nobody": "hi there"/);
    assert.match(cli.output.stderr, /line 3: usage: \/msg NAME text \(the name is missing\): "\/msg"/);
  });

  it('reads lines like interactive mode: /who lists, // escapes, unknown commands and over-long lines are refused by line', async () => {
    const watching = await watcher();
    const got: string[] = [];
    watching.on('message', (m) => got.push(m.text));
    const input = ['/who', '//slash first', '/frobnicate now', 'x'.repeat(4001), 'last line'].join('\n');
    const cli = run(['--url', server.url, '--name', 'alice'], `${input}\n`);
    assert.equal(await cli.exited, 1, cli.output.stderr);
    await until(() => got.includes('last line'), 'the last line arrived');
    assert.deepEqual(got, ['/slash first', 'last line']);
    assert.match(cli.output.stdout, /^2 online: alice \(you\), watcher$/m);
    assert.match(cli.output.stderr, /line 3: unknown command \/frobnicate: type \/help for the list, or start the line with \/\/ to send it as text: "\/frobnicate now"/);
    assert.match(cli.output.stderr, /line 4: the message is 4001 characters long; the limit is 4000, so it was not sent: "x{39}…"/);
  });

  it('prints nothing raw that a hostile server wrote: no escape sequences, no fake lines, bounded errors', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => wss.once('listening', resolve));
    wss.on('connection', (socket) =>
      socket.on('message', (data: Buffer) => {
        const frame = JSON.parse(data.toString());
        if (frame.type === 'hello') {
          socket.send(JSON.stringify({ type: 'welcome', name: 'alice', session: 's', users: ['alice'], messages: [], seq: 0 }));
          socket.send(JSON.stringify({ type: 'error', code: 'INTERNAL', message: `\x1b[2J\n${'x'.repeat(50_000)}` }));
          socket.send(JSON.stringify({ type: 'message', seq: 1, id: 'm', from: 'ev\nil', text: 'a\x1b]0;owned\x07b', ts: Date.now() }));
        } else if (frame.type === 'say') {
          socket.send(JSON.stringify({ type: 'ack', id: frame.id, seq: 2, ts: Date.now() }));
        }
      }),
    );
    try {
      const cli = run(['--url', `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, '--name', 'alice'], 'hi\n');
      assert.equal(await cli.exited, 0, cli.output.stderr);
      const { stdout, stderr } = cli.output;
      assert.doesNotMatch(stdout + stderr, /[\x00-\x09\x0b-\x1f]/);
      assert.match(stdout, /^\[\d\d:\d\d\] #general ev\uFFFDil: a\uFFFD\]0;owned\uFFFDb\n$/);
      assert.match(stderr, /^relay-chat: server error \(INTERNAL\): \uFFFD\[2J\uFFFDx+…\n$/);
      assert.ok(stderr.length < 300, `${stderr.length} characters of error`);
    } finally {
      for (const socket of wss.clients) socket.terminate();
      await new Promise((resolve) => wss.close(resolve));
    }
  });

  it('signs in with --password-stdin as "relay-chat on HOST", keeps only the token, and says how to sign in when a password is needed', async () => {
    await server.close();
    server = await startTestServer({ passwordCost: { N: 1024, r: 8, p: 1 } });
    const password = 'correct horse battery';
    const watching = await watcher();
    const got = nextEvent(watching, 'message', (m) => m.text === 'sent after the password line');
    const first = run(['--url', server.url, '--name', 'dana', '--password-stdin'], `${password}\nsent after the password line\n`);
    assert.equal(await first.exited, 0, first.output.stderr);
    await got;
    const saved = fs.readFileSync(path.join(config.path, 'sessions.json'), 'utf8');
    assert.ok(!saved.includes(password), 'the password is never written down');
    assert.equal(fs.statSync(path.join(config.path, 'sessions.json')).mode & 0o777, 0o600);

    const again = run(['--url', server.url, '--name', 'dana'], 'with the saved token\n');
    assert.equal(await again.exited, 0, again.output.stderr);

    const elsewhere = tempDir('relay-chat-cli-other-');
    try {
      const refused = run(['--url', server.url, '--name', 'dana'], 'hi\n', false, elsewhere.path);
      assert.equal(await refused.exited, 3);
      assert.match(refused.output.stderr, /\(AUTH_REQUIRED\): this name needs a sign-in: run relay-chat login, or pass the password with --password-stdin/);
    } finally {
      elsewhere.remove();
    }

    const dana = makeClient(server.url, 'dana', { password });
    pool.track(dana);
    await online(dana);
    const labels = (await dana.listDevices()).devices.map((device) => device.label);
    assert.equal(labels[0], truncate(`relay-chat on ${os.hostname()}`, 64));
  });

  it('exits 3 when the name belongs to someone else', async () => {
    await watcher('carol');
    const cli = run(['--url', server.url, '--name', 'carol'], 'hi\n');
    assert.equal(await cli.exited, 3);
    assert.match(cli.output.stderr, /refused the name "carol" \(NAME_TAKEN\)/);
  });

  it('exits 3 when the server cannot be reached, and 2 on bad usage', async () => {
    const closedPort = server.port;
    await server.close();
    const unreachable = run(['--url', `ws://127.0.0.1:${closedPort}`, '--name', 'alice'], 'hi\n');
    assert.equal(await unreachable.exited, 3);
    assert.match(unreachable.output.stderr, /cannot connect to ws:\/\/127\.0\.0\.1:\d+ \(.*ECONNREFUSED.*\)$/m);

    const usage = run(['--name', 'no spaces allowed'], '');
    assert.equal(await usage.exited, 2);
    assert.match(usage.output.stderr, /cannot be used in chat/);
  });
});
