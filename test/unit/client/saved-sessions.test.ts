import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SavedSessions } from '../../../client/saved-sessions';
import { fetchServerId, healthUrl } from '../../../client/server-id';
import { SessionFile } from '../../../client/session-file';
import type { WelcomeFrame } from '../../../protocol';
import type { RelayServer } from '../../../server';
import { startTestServer, tempDir } from '../../support/server';

function welcome(fields: Partial<WelcomeFrame>): WelcomeFrame {
  return { type: 'welcome', name: 'alice', session: 'secret-a', users: [], messages: [], seq: 0, ...fields };
}

/** An HTTP server answering every request with `handler`; closed by the test. */
async function httpServer(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

describe('client: saved sessions, offered only to the server that issued them', () => {
  let dir: { path: string; remove: () => void };
  beforeEach(() => {
    dir = tempDir('relay-chat-config-');
  });
  afterEach(() => dir.remove());

  it('does not ask the server who it is when no session is saved for the name', async () => {
    const asked: string[] = [];
    const sessions = new SavedSessions(new SessionFile(dir.path), 'ws://h:1', async (url) => {
      asked.push(url);
      return 'A';
    });
    assert.equal(await sessions.sessionFor('alice'), undefined);
    assert.deepEqual(asked, []);
  });

  it('offers the session to the same server under another URL, and never to another server', async () => {
    const file = new SessionFile(dir.path);
    new SavedSessions(file, 'ws://127.0.0.1:4446', async () => 'A').remember(welcome({ server: 'A' }));
    let serverNow = 'A';
    const elsewhere = new SavedSessions(file, 'ws://localhost:4446', async () => serverNow);
    assert.equal(await elsewhere.sessionFor('ALICE'), 'secret-a');
    serverNow = 'B';
    assert.equal(await elsewhere.sessionFor('alice'), undefined, 'the URL leads to another server now');
  });

  it('keeps a session in memory when the file cannot be written, and says so', async () => {
    const file = new SessionFile(dir.path);
    const sessions = new SavedSessions(file, 'ws://h:1', async () => 'A');
    file.update = () => {
      throw new Error('disk full');
    };
    assert.throws(() => sessions.remember(welcome({ server: 'A' })), /disk full/);
    assert.equal(await sessions.sessionFor('alice'), 'secret-a');
  });

  it('keeps what a server without an id gives per URL, and nothing that could not be read back', async () => {
    const file = new SessionFile(dir.path);
    const sessions = new SavedSessions(file, 'ws://h:1', async () => undefined);
    sessions.remember(welcome({ name: 'bob', session: 'x'.repeat(129), server: 'A' }));
    sessions.remember(welcome({ name: 'not a name', session: 'secret-n', server: 'A' }));
    assert.doesNotThrow(() => file.load(), 'the file still reads back');
    sessions.remember(welcome({ name: 'carol', session: 'secret-c', server: 'bad id with spaces' }));
    assert.equal(file.load().hasName('bob'), false);
    assert.equal(file.load().byUrl.get('ws://h:1/')?.get('carol'), 'secret-c');
    assert.equal(await sessions.sessionFor('carol'), 'secret-c');
  });
});

describe('client: learning a server id from /healthz', function () {
  let server: RelayServer;
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(() => server.close());

  it('maps ws:// to http:// and wss:// to https:// on the same host and port', () => {
    assert.equal(healthUrl('ws://h:1/').href, 'http://h:1/healthz');
    assert.equal(healthUrl('wss://h:2/some/path').href, 'https://h:2/healthz');
  });

  it('gets the same id whatever the URL spelling, and nothing from a server that cannot tell', async () => {
    const id = await fetchServerId(server.url);
    assert.ok(id);
    assert.equal(await fetchServerId(`ws://localhost:${server.port}/`), id);
    const port = server.port;
    await server.close();
    assert.equal(await fetchServerId(`ws://127.0.0.1:${port}`), undefined);
  });

  it('gives up on a slow, huge, redirecting or odd answer', async () => {
    const answers: Array<http.RequestListener> = [
      () => {},
      (_, response) => response.end(JSON.stringify({ ok: true, server: 'A', padding: 'x'.repeat(10_000) })),
      (_, response) => response.writeHead(302, { location: 'http://127.0.0.1:1/healthz' }).end(),
      (_, response) => response.end(JSON.stringify({ ok: true, server: { nested: true } })),
      (_, response) => response.end('not json'),
    ];
    for (const answer of answers) {
      const fake = await httpServer(answer);
      try {
        const started = Date.now();
        assert.equal(await fetchServerId(fake.url, { timeoutMs: 300 }), undefined);
        assert.ok(Date.now() - started < 2000);
      } finally {
        await fake.close();
      }
    }
  });
});
