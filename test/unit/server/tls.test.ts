import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { createInterface } from 'node:readline';
import tls from 'node:tls';
import { RelayClient } from '../../../client/relay-client';
import { startRelayServer, type RelayServer } from '../../../server';
import { makeTestCa, type TestCa } from '../../support/certificates';
import { tempDir } from '../../support/server';
import { TestClient } from '../../support/ws-test-client';

function peerFingerprint(port: number, ca: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ca }, () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.end();
    });
    socket.on('error', reject);
  });
}

function healthz(url: string, ca?: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    https.get(`${url.replace('wss:', 'https:')}/healthz`, ca ? { ca } : {}, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    }).on('error', reject);
  });
}

/** The error a RelayClient reports for its first failed attempt. */
async function firstFailure(options: ConstructorParameters<typeof RelayClient>[0]): Promise<string> {
  const client = new RelayClient({ ...options, reconnect: { initialDelayMs: 60_000, maxDelayMs: 60_000 } });
  const failure = new Promise<string>((resolve) => client.on('state', (state, detail) => state === 'offline' && resolve(detail?.error ?? '')));
  client.connect();
  const error = await failure;
  await client.close();
  return error;
}

describe('server: TLS', function () {
  this.timeout(20_000);
  const dir = tempDir();
  let ca: TestCa;
  let caPem: Buffer;
  let server: RelayServer | undefined;

  before(() => {
    ca = makeTestCa(dir.path);
    caPem = readFileSync(ca.caFile);
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  after(() => dir.remove());

  it('serves wss:// and https://…/healthz on one port to clients that trust the team CA', async () => {
    server = await startRelayServer({ host: '127.0.0.1', port: 0, tls: ca.issue('server') });
    assert.match(server.url, /^wss:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(server.encrypted, true);
    const alice = await TestClient.join(server.url, 'alice', {}, { ca: caPem });
    assert.equal(alice.welcome.name, 'alice');
    assert.equal(await healthz(server.url, caPem), 200);
    await assert.rejects(healthz(server.url), /self-signed|unable to verify|certificate/i);
    const client = new RelayClient({ url: server.url, name: 'bob', ca: caPem });
    const online = new Promise<void>((resolve) => client.on('state', (state) => state === 'online' && resolve()));
    client.connect();
    await online;
    await client.close();
  });

  it('explains a certificate failure in one line with the next step', async () => {
    server = await startRelayServer({ host: '127.0.0.1', port: 0, tls: ca.issue('server') });
    const untrusted = await firstFailure({ url: server.url, name: 'carol', caHint: 'pass --ca FILE' });
    assert.equal(untrusted, "the server's certificate is not trusted (it is not signed by a known authority): pass --ca FILE");
    await server.close();
    server = await startRelayServer({ host: '127.0.0.1', port: 0, tls: ca.issue('expired', { days: -1 }) });
    assert.match(await firstFailure({ url: server.url, name: 'carol', ca: caPem }), /^the server's certificate has expired/);
    await server.close();
    server = await startRelayServer({ host: '127.0.0.1', port: 0, tls: ca.issue('elsewhere', { hosts: ['chat.elsewhere.example'] }) });
    const wrongHost = await firstFailure({ url: server.url, name: 'carol', ca: caPem });
    assert.match(wrongHost, /^the server's certificate is for another host name/);
    assert.doesNotMatch(wrongHost, /\n|\sat\s/, 'no stack trace');
  });

  it('reloads the certificate without dropping live connections', async () => {
    const files = ca.issue('live');
    server = await startRelayServer({ host: '127.0.0.1', port: 0, tls: files });
    const before = await peerFingerprint(server.port, caPem);
    const alice = await TestClient.join(server.url, 'alice', {}, { ca: caPem });
    const renewed = ca.issue('renewed');
    copyFileSync(renewed.certFile, files.certFile);
    copyFileSync(renewed.keyFile, files.keyFile);
    server.reloadTls();
    assert.notEqual(await peerFingerprint(server.port, caPem), before, 'new connections get the new certificate');
    await alice.sync();
    assert.equal(alice.ws.readyState, alice.ws.OPEN, 'the live one stays');
  });

  it('refuses to listen beyond loopback without TLS unless told --insecure, and a broken key pair up front', async () => {
    await assert.rejects(startRelayServer({ host: '0.0.0.0', port: 0 }), /refusing to listen on 0\.0\.0\.0 without TLS.*--tls-cert.*--insecure/);
    await assert.rejects(startRelayServer({ host: '::', port: 0 }), /without TLS/);
    const one = ca.issue('one');
    const other = ca.issue('other');
    await assert.rejects(startRelayServer({ host: '127.0.0.1', port: 0, tls: { certFile: one.certFile, keyFile: other.keyFile } }), /do not make a pair/);
    await assert.rejects(startRelayServer({ host: '127.0.0.1', port: 0, tls: { certFile: path.join(dir.path, 'nope.pem'), keyFile: one.keyFile } }), /cannot read the TLS certificate .*ENOENT/);
  });

  it('relay-chat-server reloads on SIGHUP', async () => {
    const files = ca.issue('cli');
    const data = tempDir();
    const child = spawn(process.execPath, [path.resolve('dist/server/cli.js'), '--port', '0', '--data', data.path, '--tls-cert', files.certFile, '--tls-key', files.keyFile], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const lines = createInterface({ input: child.stdout! });
      const seen = (pattern: RegExp) => new Promise<string>((resolve) => lines.on('line', (line) => pattern.test(line) && resolve(line)));
      assert.match(await seen(/listening on/), /listening on wss:\/\/127\.0\.0\.1:\d+/);
      child.kill('SIGHUP');
      await seen(/reloaded the TLS certificate/);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      data.remove();
    }
  });
});
