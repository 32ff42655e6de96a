import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import WebSocket from 'ws';
import { LIMITS } from '../../../protocol';
import { MemoryBroker, openSqliteBackend, releaseAccount, startRelayServer, type RelayServer } from '../../../server';
import { startTestServer, tempDir } from '../../support/server';
import { TestClient } from '../../support/ws-test-client';

const CLI = path.resolve('dist/server/cli.js');

/** The server CLI, run without blocking this process: the server under test lives here too. */
async function serverCli(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], { encoding: 'utf8' });
    return { status: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { status: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** Opens a WebSocket and reports how the upgrade went: open, or the HTTP status it was refused with. */
function tryUpgrade(url: string, options: WebSocket.ClientOptions = {}): Promise<{ status: number | 'open' | 'reset'; ws?: WebSocket }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, options);
    ws.once('open', () => resolve({ status: 'open', ws }));
    ws.once('unexpected-response', (_request, response) => resolve({ status: response.statusCode ?? 0 }));
    ws.once('error', () => resolve({ status: 'reset' }));
  });
}

function request(url: string, method: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .request(url, { method }, (response) => {
        let body = '';
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      })
      .on('error', reject)
      .end();
  });
}

function pick(error: { code: string; ref?: string }): [string, string | undefined] {
  return [error.code, error.ref];
}

async function stillChats(url: string): Promise<void> {
  const a = await TestClient.join(url, `a${Math.random().toString(36).slice(2, 8)}`);
  const b = await TestClient.join(url, `b${Math.random().toString(36).slice(2, 8)}`);
  a.send({ type: 'say', id: 'alive', text: 'still here?' });
  await b.next('message', (m) => m.id === 'alive');
  await Promise.all([a.close(), b.close()]);
}

describe('server: hardening against hostile clients', () => {
  let server: RelayServer;
  afterEach(() => server?.close());

  it('survives a deeply nested type before hello with a short BAD_FRAME', async () => {
    server = await startTestServer();
    const attacker = await TestClient.connect(server.url);
    attacker.send('{"type":' + '['.repeat(5000) + ']'.repeat(5000) + '}');
    attacker.send('{"type":' + '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000) + '}');
    for (let i = 0; i < 2; i++) {
      const error = await attacker.next('error');
      assert.equal(error.code, 'BAD_FRAME');
      assert.ok(error.message.length < 400);
    }
    await stillChats(server.url);
  });

  it('answers INTERNAL when handling a frame throws, and goes on serving', async () => {
    const broker = new MemoryBroker();
    const publish = broker.publish.bind(broker);
    let explode = false;
    broker.publish = (event) => {
      if (explode) throw new TypeError('a bug in fan-out');
      publish(event);
    };
    const warnings: string[] = [];
    server = await startTestServer({ broker, logger: { info() {}, warn: (message) => warnings.push(message) } });
    const alice = await TestClient.join(server.url, 'alice');
    explode = true;
    alice.send({ type: 'say', id: 'boom', text: 'this frame meets a bug' });
    const error = await alice.next('error');
    assert.deepEqual([error.code, error.id], ['INTERNAL', 'boom']);
    assert.ok(warnings.some((w) => w.includes('a bug in fan-out')), 'the bug is logged');
    explode = false;
    await stillChats(server.url);
  });

  it('names the say it refused in RATE_LIMITED', async () => {
    server = await startTestServer({ rateLimit: { burst: 3, perSecond: 1 } });
    const alice = await TestClient.join(server.url, 'alice');
    for (let i = 0; i < 4; i++) alice.send({ type: 'say', id: `r${i}`, text: 'quick' });
    const limited = [await alice.next('error'), await alice.next('error')];
    assert.deepEqual(limited.map((e) => [e.code, e.id]), [['RATE_LIMITED', 'r2'], ['RATE_LIMITED', 'r3']]);
    alice.send({ type: 'typing' });
    const typing = await alice.next('error');
    assert.deepEqual([typing.code, typing.id], ['RATE_LIMITED', undefined]);
  });

  it('echoes a request\'s ref in every reply and error it causes', async () => {
    server = await startTestServer({ rateLimit: { burst: 7, perSecond: 0.001 } });
    const early = await TestClient.connect(server.url);
    early.send({ type: 'typing', ref: 'before-hello' });
    assert.deepEqual(pick(await early.next('error')), ['NOT_WELCOMED', 'before-hello']);
    early.send({ type: 'hello', name: 'alice', ref: 'h1' });
    assert.equal((await early.next('welcome')).ref, 'h1');
    early.send({ type: 'say', id: 's1', text: 'hi', ref: 'r-say' });
    assert.equal((await early.next('ack')).ref, 'r-say');
    early.send({ type: 'history', ref: 'r-history' });
    assert.equal((await early.next('history')).ref, 'r-history');
    early.send({ type: 'history', with: 'nobody', ref: 'r-unknown' });
    assert.deepEqual(pick(await early.next('error')), ['UNKNOWN_USER', 'r-unknown']);
    early.send({ type: 'say', id: 's2', text: 7, ref: 'r-bad' });
    assert.deepEqual(pick(await early.next('error')), ['BAD_FRAME', 'r-bad']);
    early.send({ type: 'say', id: 's3', text: 'x', ref: 'r'.repeat(65) });
    assert.deepEqual(pick(await early.next('error')), ['BAD_FRAME', undefined], 'an invalid ref is refused, not echoed');
    early.send({ type: 'say', id: 's4', text: 'one too many', ref: 'r-limited' });
    assert.deepEqual(pick(await early.next('error')), ['RATE_LIMITED', 'r-limited']);
    const taken = await TestClient.connect(server.url);
    taken.send({ type: 'hello', name: 'ALICE', ref: 'h2' });
    assert.deepEqual(pick(await taken.next('error')), ['NAME_TAKEN', 'h2']);
  });

  it('stores exactly what it relays: lone surrogates are refused, never turned into U+FFFD', async () => {
    server = await startTestServer();
    const alice = await TestClient.join(server.url, 'alice');
    alice.send({ type: 'say', id: 'lone', text: '\ud800'.repeat(4000) });
    const error = await alice.next('error');
    assert.deepEqual([error.code, error.id], ['BAD_FRAME', 'lone']);
    alice.send({ type: 'history' });
    assert.deepEqual((await alice.next('history')).messages, []);
  });

  it('keeps every server frame within the documented maximum, paging with more and gap', async function () {
    this.timeout(60_000);
    server = await startTestServer({ rateLimit: { burst: 1000, perSecond: 1000 } });
    const writer = await TestClient.join(server.url, 'writer');
    // 4,000 control characters escape to 24 KB of JSON each: 200 of them would make a 4.8 MB page.
    const text = `${'\u0001'.repeat(LIMITS.textMaxCodePoints - 1)}x`;
    const count = LIMITS.historyMaxLimit;
    for (let i = 0; i < count; i++) writer.send({ type: 'say', id: `big${i}`, text });
    await writer.next('ack', (a) => a.id === `big${count - 1}`, 30_000);

    const reader = await TestClient.connect(server.url);
    const sizes: number[] = [];
    reader.ws.on('message', (data: Buffer) => sizes.push(data.length));
    reader.send({ type: 'hello', name: 'reader', resume: 0 });
    const welcome = await reader.next('welcome');
    assert.equal(welcome.gap, true, 'a resume welcome that had to be cut says so');
    assert.ok(welcome.messages.length > 0 && welcome.messages.length < count);
    assert.equal(welcome.messages.at(-1)!.id, `big${count - 1}`, 'the newest messages are kept');

    const seen = new Set(welcome.messages.map((m) => m.seq));
    let before = welcome.messages[0]!.seq;
    for (;;) {
      reader.send({ type: 'history', before, limit: LIMITS.historyMaxLimit });
      const page = await reader.next('history');
      for (const message of page.messages) seen.add(message.seq);
      if (!page.more) break;
      assert.ok(page.messages.length > 0, 'a page that says more carries something');
      before = page.messages[0]!.seq;
    }
    assert.equal(seen.size, count, 'paging back reaches every message once');
    assert.ok(sizes.length > 2);
    for (const size of sizes) assert.ok(size <= LIMITS.maxServerFrameBytes, `a ${size}-byte frame`);
  });

  it('does not let another character fold onto a name in to, with or typing', async () => {
    server = await startTestServer();
    const kelvin = await TestClient.join(server.url, 'kelvin');
    const mallory = await TestClient.join(server.url, 'mallory');
    mallory.send({ type: 'say', id: 'k', text: 'psst', to: '\u212Aelvin' });
    const error = await mallory.next('error');
    assert.deepEqual([error.code, error.id], ['UNKNOWN_USER', 'k']);
    mallory.send({ type: 'history', with: '\u212Aelvin' });
    assert.equal((await mallory.next('error')).code, 'UNKNOWN_USER');
    mallory.send({ type: 'typing', to: '\u212Aelvin' });
    assert.equal((await mallory.next('error')).code, 'UNKNOWN_USER');
    await kelvin.sync();
    assert.equal(kelvin.pending('message').length + kelvin.pending('typing').length, 0);
  });

  it('refuses an upgrade from another site, admits its own origin and --allow-origin ones', async () => {
    server = await startTestServer({ allowOrigins: ['https://chat.team.example'] });
    const own = `http://127.0.0.1:${server.port}`;
    assert.equal((await tryUpgrade(server.url, { origin: 'https://evil.example' })).status, 403);
    assert.equal((await tryUpgrade(server.url, { origin: 'null' })).status, 403);
    // DNS rebinding: a page served from evil.example resolving to 127.0.0.1 sends a matching Host and Origin.
    const rebound = await tryUpgrade(server.url, { origin: `http://evil.example:${server.port}`, headers: { host: `evil.example:${server.port}` } });
    assert.equal(rebound.status, 403);
    for (const origin of [own, 'https://chat.team.example', undefined]) {
      const result = await tryUpgrade(server.url, origin === undefined ? {} : { origin });
      assert.equal(result.status, 'open', String(origin));
      result.ws!.close();
    }
  });

  it('caps connections that have not said hello, per address and in all', async () => {
    server = await startTestServer({ pendingLimits: { perAddress: 2, total: 3 } });
    const idle = await Promise.all([0, 1].map(() => TestClient.connect(server.url)));
    assert.equal((await tryUpgrade(server.url)).status, 'reset', 'a third idle connection from one address');
    const other = await tryUpgrade(server.url, { localAddress: '127.0.0.2' });
    assert.equal(other.status, 'open', 'another address has its own share');
    assert.equal((await tryUpgrade(server.url, { localAddress: '127.0.0.3' })).status, 'reset', 'the total cap holds');
    idle[0]!.send({ type: 'hello', name: 'welcomed' });
    await idle[0]!.next('welcome');
    const afterWelcome = await tryUpgrade(server.url, { localAddress: '127.0.0.3' });
    assert.equal(afterWelcome.status, 'open', 'a welcomed connection frees its place');
    other.ws!.close();
    await new Promise((resolve) => other.ws!.once('close', resolve));
    const afterClose = await tryUpgrade(server.url, { localAddress: '127.0.0.2' });
    assert.equal(afterClose.status, 'open', 'a closed connection frees its place');
    for (const ws of [afterWelcome.ws!, afterClose.ws!]) ws.close();
  });

  it('drops an upgrade whose headers do not arrive in time (slowloris)', async function () {
    this.timeout(10_000);
    server = await startTestServer({ headersTimeoutMs: 500 });
    const started = Date.now();
    const socket = net.connect(server.port, '127.0.0.1');
    socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n');
    const timer = setInterval(() => socket.write('X-Slow: 1\r\n'), 100);
    socket.on('error', () => {});
    socket.resume();
    await new Promise((resolve) => socket.once('close', resolve));
    clearInterval(timer);
    assert.ok(Date.now() - started < 3000, `held for ${Date.now() - started} ms`);
    await stillChats(server.url);
  });

  it('answers HEAD /healthz and /healthz with a query', async () => {
    server = await startTestServer();
    const base = server.url.replace('ws:', 'http:');
    assert.equal((await request(`${base}/healthz?x=1`, 'GET')).status, 200);
    assert.equal(JSON.parse((await request(`${base}/healthz?x=1`, 'GET')).body).ok, true);
    const head = await request(`${base}/healthz`, 'HEAD');
    assert.deepEqual([head.status, head.body], [200, '']);
    assert.equal((await request(`${base}/nope`, 'GET')).status, 404);
  });

  it('release disconnects the holder with 4004 at once; others see them leave and a new owner join', async () => {
    const data = tempDir();
    try {
      server = await startRelayServer({ host: '127.0.0.1', port: 0, dataDir: data.path });
      const alice = await TestClient.join(server.url, 'alice');
      const bob = await TestClient.join(server.url, 'bob');
      await alice.next('presence', (p) => p.name === 'bob' && p.online);
      const result = await serverCli('release', 'bob', '--data', data.path);
      assert.equal(result.status, 0, result.stderr);
      const closed = await bob.closed;
      assert.equal(closed.code, 4004);
      assert.match(closed.reason, /released/);
      await alice.next('presence', (p) => p.name === 'bob' && !p.online);
      const newBob = await TestClient.join(server.url, 'BOB');
      assert.notEqual(newBob.welcome.session, bob.welcome.session);
      await alice.next('presence', (p) => p.name === 'BOB' && p.online);
      await newBob.sync();
      assert.equal(alice.pending('presence').length, 0, 'no other presence change');
      await server.close();
      const again = await serverCli('release', 'BOB', '--data', data.path);
      assert.equal(again.status, 0, `with no server running the store is changed directly: ${again.stderr}`);
    } finally {
      data.remove();
    }
  });

  it('closes a released holder with 4004, not 4002, when a new owner takes the name it did not hear was freed', async () => {
    const data = tempDir();
    try {
      server = await startRelayServer({ host: '127.0.0.1', port: 0, dataDir: data.path, controlSocket: false });
      const alice = await TestClient.join(server.url, 'alice');
      const bob = await TestClient.join(server.url, 'bob');
      await alice.next('presence', (p) => p.name === 'bob' && p.online);
      // Released behind the server's back, straight in the store: the server learns of it only when bob is claimed again.
      const storage = openSqliteBackend({ dataDir: data.path });
      assert.ok(await releaseAccount(storage.identity, storage.store, 'bob'));
      await storage.close();
      const newBob = await TestClient.join(server.url, 'bob');
      assert.equal((await bob.closed).code, 4004);
      assert.deepEqual(
        [await alice.next('presence'), await alice.next('presence')],
        [{ type: 'presence', name: 'bob', online: false }, { type: 'presence', name: 'bob', online: true }],
        'the others see one person leave and another arrive',
      );
      await newBob.close();
    } finally {
      await server.close();
      data.remove();
    }
  });

  it('refuses to start a second server on a data folder that one is serving', async () => {
    const data = tempDir();
    try {
      server = await startRelayServer({ host: '127.0.0.1', port: 0, dataDir: data.path });
      await assert.rejects(startRelayServer({ host: '127.0.0.1', port: 0, dataDir: data.path }), /already running on this data folder/);
      await stillChats(server.url);
    } finally {
      await server.close();
      data.remove();
    }
  });
});
