import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { startRelayServer, type RelayServer } from '../../../server';
import { derivePublicUrl, inviteLink } from '../../../server/public-url';
import { makeTestCa } from '../../support/certificates';
import { startTestServer, tempDir } from '../../support/server';
import { TestClient } from '../../support/ws-test-client';

describe('server: the URL clients reach it at, and its default registration', () => {
  let server: RelayServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('derives the URL from the listen address, TLS and port; every interface gives this machine\'s name', () => {
    assert.equal(derivePublicUrl('127.0.0.1', 4446, false), 'ws://127.0.0.1:4446');
    assert.equal(derivePublicUrl('chat.example.com', 443, true), 'wss://chat.example.com:443');
    assert.equal(derivePublicUrl('fd00::5', 4446, true), 'wss://[fd00::5]:4446');
    assert.equal(derivePublicUrl('0.0.0.0', 4446, true), `wss://${os.hostname()}:4446`);
    assert.equal(derivePublicUrl('::', 9000, false), `ws://${os.hostname()}:9000`);
  });

  it('puts the server URL and the code into the link as query parameters, encoded', () => {
    const link = new URL(inviteLink('wss://chat.example.com:8443/chat', 'a-b_c'));
    assert.equal(link.href, 'vscode://relay-chat.relay-chat/invite?server=wss%3A%2F%2Fchat.example.com%3A8443%2Fchat&code=a-b_c');
    assert.deepEqual([link.searchParams.get('server'), link.searchParams.get('code')], ['wss://chat.example.com:8443/chat', 'a-b_c']);
  });

  it('a loopback server is open and says its own URL; --public-url is used as given, normalised', async () => {
    server = await startTestServer();
    assert.equal(server.registration, 'open');
    assert.equal(server.publicUrl, server.url);
    await TestClient.join(server.url, 'anyone');
    await server.close();
    server = await startTestServer({ publicUrl: 'https://chat.example.com/' });
    assert.equal(server.publicUrl, 'wss://chat.example.com');
  });

  it('a server on every interface needs invites by default and names this machine in its URL', async () => {
    const certs = tempDir();
    try {
      const ca = makeTestCa(certs.path);
      server = await startRelayServer({ host: '0.0.0.0', port: 0, tls: ca.issue('server'), passwordCost: { N: 1024, r: 8, p: 1 } });
      assert.equal(server.registration, 'invite');
      assert.equal(server.publicUrl, `wss://${os.hostname()}:${server.port}`);
      const refusal = await TestClient.refusedWith(`wss://127.0.0.1:${server.port}`, { name: 'stranger', password: 'a long password' }, { ca: readFileSync(ca.caFile) });
      assert.equal(refusal.code, 'AUTH_FAILED', 'no registration without an invite');
      await server.close();
      server = await startRelayServer({ host: '0.0.0.0', port: 0, tls: ca.issue('again'), registration: 'open' });
      assert.equal(server.registration, 'open', 'an explicit policy wins');
    } finally {
      certs.remove();
    }
  });
});
