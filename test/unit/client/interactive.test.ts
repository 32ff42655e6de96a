import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { RelayClient } from '../../../client/relay-client';
import { runInteractive } from '../../../client/terminal/interactive';
import type { RelayServer } from '../../../server';
import { startTestServer } from '../../support/server';
import { makeClient, nextEvent, online, SocketControl, until } from './helpers';

/** The interactive client on a fake terminal: keys go in, the screen (without cursor moves) comes out. */
function onTerminal(client: RelayClient): { type: (keys: string) => void; screen: () => string; raw: () => string; exited: Promise<number> } {
  const input = new PassThrough();
  const output = Object.assign(new PassThrough(), { columns: 100_000 });
  const errors = new PassThrough();
  let written = '';
  output.on('data', (chunk: Buffer) => (written += chunk.toString()));
  errors.on('data', (chunk: Buffer) => (written += chunk.toString()));
  const exited = runInteractive(client, { input, output, errors, terminal: true, style: { color: false } });
  return {
    type: (keys) => input.write(keys),
    screen: () => written.replace(/\x1b\[[0-9;]*[A-Za-z]/g, ''),
    raw: () => written,
    exited,
  };
}

describe('client: interactive terminal client', function () {
  this.timeout(15_000);
  let server: RelayServer;
  const clients: RelayClient[] = [];
  const client = (name: string, options: Parameters<typeof makeClient>[2] = {}): RelayClient => {
    const created = makeClient(server.url, name, options);
    clients.push(created);
    return created;
  };

  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await server.close();
  });

  it('shows a message as sent only once the server stored it: /msg nobody is refused, not echoed', async () => {
    const carol = client('carol');
    const term = onTerminal(carol);
    await nextEvent(carol, 'welcome');
    term.type('/msg nobody hi\r');
    await until(() => term.screen().includes('not sent (UNKNOWN_USER)'), 'the refusal is shown');
    term.type('hello all\r');
    await until(() => /\[\d\d:\d\d\] you: hello all/.test(term.screen()), 'the stored message is shown');
    assert.doesNotMatch(term.screen(), /you → nobody/);
    term.type('/quit\r');
    assert.equal(await term.exited, 0);
  });

  it('refuses a line over 4000 characters before sending it and gives it back to fix', async () => {
    const watcher = await online(client('watcher'));
    const carol = client('carol');
    const term = onTerminal(carol);
    await nextEvent(carol, 'welcome');
    const delivered = nextEvent(watcher, 'message');
    term.type(`${'x'.repeat(4001)}\r`);
    await until(() => term.screen().includes('the message is 4001 characters long'), 'the refusal is shown');
    assert.doesNotMatch(term.screen(), /you: x/);
    // One backspace fixes the line that was given back; Enter sends it.
    term.type('\x7f\r');
    const [message] = await delivered;
    assert.equal(message.text, 'x'.repeat(4000));
    term.type('/quit\r');
    assert.equal(await term.exited, 0);
  });

  it('shows the recipient of /msg as the server spells the name', async () => {
    await online(client('alice'));
    const carol = client('carol');
    const term = onTerminal(carol);
    await nextEvent(carol, 'welcome');
    term.type('/msg ALICE psst\r');
    await until(() => /you → \S+: psst/.test(term.screen()), 'the message is shown');
    assert.match(term.screen(), /you → alice: psst/);
    term.type('/quit\r');
    await term.exited;
  });

  it('says a message is queued while offline and shows it when its ack arrives', async () => {
    const control = new SocketControl();
    const carol = client('carol', { createSocket: control.create, reconnect: { initialDelayMs: 300, maxDelayMs: 300 } });
    const term = onTerminal(carol);
    await nextEvent(carol, 'welcome');
    const offline = nextEvent(carol, 'state', (state) => state === 'offline');
    control.cut();
    await offline;
    term.type('while away\r');
    await until(() => term.screen().includes('is queued'), 'the queue notice');
    assert.doesNotMatch(term.screen(), /you: while away/);
    await until(() => /you: while away/.test(term.screen()), 'the message is shown once stored');
    const screen = term.screen();
    assert.ok(screen.indexOf('reconnected') < screen.indexOf('you: while away'), screen);
    term.type('/quit\r');
    await term.exited;
  });
});

describe('client: interactive terminal client against a fake server', () => {
  let wss: WebSocketServer;
  const clients: RelayClient[] = [];
  const fakeClient = (): RelayClient => {
    const created = makeClient(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, 'carol');
    clients.push(created);
    return created;
  };
  beforeEach(async () => {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => wss.once('listening', resolve));
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    for (const socket of wss.clients) socket.terminate();
    await new Promise((resolve) => wss.close(resolve));
  });

  it('dates messages that are not from today, and only those', async () => {
    const now = new Date();
    const earlier = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 2, 14, 5).getTime();
    const today = new Date(now.getFullYear(), now.getMonth(), now.getDate(), 0, 1).getTime();
    const old = { type: 'message', seq: 1, id: 'a', from: 'bob', text: 'old news', ts: earlier };
    const recent = { type: 'message', seq: 2, id: 'b', from: 'bob', text: 'fresh', ts: today };
    wss.on('connection', (socket) =>
      socket.once('message', () =>
        socket.send(JSON.stringify({ type: 'welcome', name: 'carol', session: 's', users: ['carol'], messages: [old, recent], seq: 2 })),
      ),
    );
    const carol = fakeClient();
    const term = onTerminal(carol);
    await until(() => term.screen().includes('fresh'), 'the history is shown');
    const day = new Date(earlier);
    const date = `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}`;
    assert.match(term.screen(), new RegExp(`\\[${date} 14:05\\] bob: old news`));
    assert.match(term.screen(), /\[00:01\] bob: fresh/);
    term.type('/quit\r');
    await term.exited;
  });

  it('shows no escape sequence a hostile server put in names, errors or texts', async () => {
    const evil = 'ev\x1b[2Jil';
    wss.on('connection', (socket) =>
      socket.once('message', () => {
        socket.send(JSON.stringify({ type: 'welcome', name: evil, session: 's', users: [evil, 'b\x1b]0;x\x07'], messages: [], seq: 0 }));
        socket.send(JSON.stringify({ type: 'presence', name: 'p\x1b[2J', online: true }));
        socket.send(JSON.stringify({ type: 'error', code: 'INTERNAL', message: 'e\x1b[2J' }));
        socket.send(JSON.stringify({ type: 'message', seq: 1, id: 'a', from: 'bob', text: 't\x1b[2J end', ts: Date.now() }));
      }),
    );
    const carol = fakeClient();
    const term = onTerminal(carol);
    await until(() => term.screen().includes('end'), 'the message is shown');
    assert.ok(!term.raw().includes('\x1b[2J') && !term.raw().includes('\x1b]'), JSON.stringify(term.raw()));
    term.type('/quit\r');
    await term.exited;
  });
});
