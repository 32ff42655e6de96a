import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { startRelayServer, type RelayServer } from '../../../server';
import { parseCli } from '../../../server/cli-args';
import { tempDir } from '../../support/server';
import { TestClient } from '../../support/ws-test-client';

const CLI = path.resolve('dist/server/cli.js');

/** Runs relay-chat-server without blocking this process, where the server under test lives. */
function admin(args: string[], stdin = ''): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdin.end(stdin);
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('server: administration commands', function () {
  this.timeout(30_000);
  const data = tempDir();
  let server: RelayServer | undefined;
  after(async () => {
    await server?.close();
    data.remove();
  });

  it('makes the first admin, lists users and devices, signs devices out at once, and manages invites', async () => {
    const logs: string[] = [];
    server = await startRelayServer({
      host: '127.0.0.1',
      port: 0,
      dataDir: data.path,
      registration: 'invite',
      logger: { info: (line) => logs.push(line), warn: (line) => logs.push(line) },
    });
    const hint = logs.find((line) => line.startsWith('no accounts yet'));
    const command = /\n {2}relay-chat-server (.+)$/.exec(hint ?? '')?.[1];
    assert.ok(command, `the first start says how to make an admin: ${logs.join(' | ')}`);
    assert.deepEqual(parseCli(command.split(' '), {}), {
      command: 'admin',
      plan: { kind: 'user-add', name: 'NAME', admin: true },
      dataDir: data.path,
    }, 'the command it prints makes an admin on this data folder');
    const dir = ['--data', data.path];

    const added = await admin(['user', 'add', 'ada', '--admin', ...dir], 'a long enough password\n');
    assert.equal(added.status, 0, added.stderr);
    assert.match(added.stdout, /added ada \(admin\)/);
    assert.equal((await admin(['user', 'add', 'ADA', ...dir], 'a long enough password\n')).status, 2, 'a taken name');
    assert.match((await admin(['user', 'add', 'bo', ...dir], 'short\n')).stderr, /8 to 1024 characters/);

    const ada = await TestClient.join(server.url, 'ada', { password: 'a long enough password', device: 'laptop' });
    assert.deepEqual(ada.welcome.account, { admin: true, password: true });
    assert.match((await admin(['user', 'list', ...dir])).stdout, /^ada \(admin\) {2}password: yes {2}devices: 1 {2}since /m);
    const sessions = await admin(['sessions', 'list', 'ada', ...dir]);
    assert.match(sessions.stdout, /^\d+ {2}laptop {2}signed in /m);

    const revoked = await admin(['sessions', 'revoke', 'ada', '--all', ...dir]);
    assert.match(revoked.stdout, /signed out 1 device of ada/);
    assert.equal((await ada.closed).code, 4004, 'closed at once through the running server');
    assert.equal((await admin(['sessions', 'revoke', 'nobody', '--all', ...dir])).stderr.trim(), 'relay-chat-server: no user is named "nobody"');

    const invite = await admin(['invite', '--uses', '2', '--expires', '1d', ...dir]);
    const [, id, code] = /invite (\d+): (\S+)/.exec(invite.stdout)!;
    assert.match(invite.stdout, /good for 2 registrations until/);
    await TestClient.join(server.url, 'cy', { password: 'cy has a password', invite: code });
    assert.match((await admin(['invite', 'list', ...dir])).stdout, new RegExp(`^${id} {2}1 left`, 'm'));
    assert.equal((await admin(['invite', 'revoke', id!, ...dir])).status, 0);
    assert.equal((await TestClient.refused(server.url, { name: 'dee', password: 'dee has a password', invite: code })).code, 'INVITE_INVALID');

    await server.close();
    server = undefined;
    const offline = await admin(['user', 'list', ...dir]);
    assert.match(offline.stdout, /^cy {2}password: yes/m, 'with no server running, the store is read directly');
  });
});

describe('server: disabling users and invite links from the command line', function () {
  this.timeout(30_000);
  const passwordCost = { N: 1024, r: 8, p: 1 };
  const PASSWORD = 'correct horse battery';
  let data: ReturnType<typeof tempDir>;
  let dir: string[];
  let server: RelayServer | undefined;
  beforeEach(() => {
    data = tempDir();
    dir = ['--data', data.path];
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    data.remove();
  });

  it('user disable closes the devices of a running server at once; user enable lets their tokens in again; on the store when no server runs', async () => {
    server = await startRelayServer({ host: '127.0.0.1', port: 0, dataDir: data.path, passwordCost });
    const bo = await TestClient.join(server.url, 'bo', { password: PASSWORD });
    const disabled = await admin(['user', 'disable', 'BO', ...dir]);
    assert.equal(disabled.status, 0, disabled.stderr);
    assert.match(disabled.stdout, /^disabled bo: /);
    assert.deepEqual(await bo.closed, { code: 4004, reason: 'this account was disabled' });
    assert.match((await admin(['user', 'list', ...dir])).stdout, /^bo \(disabled\) {2}password: yes {2}devices: 1 /m);
    assert.equal((await TestClient.refused(server.url, { name: 'bo', password: PASSWORD })).code, 'ACCOUNT_DISABLED');
    assert.equal((await admin(['user', 'disable', 'nobody', ...dir])).stderr.trim(), 'relay-chat-server: no user is named "nobody"');

    assert.match((await admin(['user', 'enable', 'bo', ...dir])).stdout, /^enabled bo: /);
    assert.match((await admin(['user', 'list', ...dir])).stdout, /^bo {2}password: yes/m);
    await TestClient.join(server.url, 'bo', { token: bo.welcome.token });

    await server.close();
    server = undefined;
    assert.equal((await admin(['user', 'disable', 'bo', ...dir])).status, 0);
    server = await startRelayServer({ host: '127.0.0.1', port: 0, dataDir: data.path, passwordCost });
    assert.equal((await TestClient.refused(server.url, { name: 'bo', token: bo.welcome.token })).code, 'ACCOUNT_DISABLED', 'disabled on the store');
  });

  it('invite prints a link with the running server\'s URL whose code registers one user', async () => {
    server = await startRelayServer({ host: '127.0.0.1', port: 0, dataDir: data.path, passwordCost, registration: 'invite' });
    const printed = await admin(['invite', ...dir]);
    assert.equal(printed.status, 0, printed.stderr);
    const code = /^invite \d+: (\S+)$/m.exec(printed.stdout)?.[1];
    const link = new URL(/^ {2}link: (\S+)$/m.exec(printed.stdout)?.[1] ?? 'missing:');
    assert.deepEqual(
      [link.protocol, link.host, link.pathname, [...link.searchParams.keys()]],
      ['vscode:', 'relay-chat.relay-chat', '/invite', ['server', 'code']],
    );
    assert.equal(link.searchParams.get('server'), server.url);
    assert.equal(link.searchParams.get('code'), code);
    const invited = await TestClient.join(link.searchParams.get('server')!, 'newcomer', { password: PASSWORD, invite: link.searchParams.get('code')! });
    assert.equal(invited.welcome.name, 'newcomer');
    assert.equal((await TestClient.refused(server.url, { name: 'second', password: PASSWORD, invite: code! })).code, 'INVITE_INVALID', 'one use');
  });

  it('invite names the --public-url of the server, or --url on the store; without either it says how to get the link', async () => {
    server = await startRelayServer({ host: '127.0.0.1', port: 0, dataDir: data.path, registration: 'invite', publicUrl: 'https://chat.example.com/' });
    const linkOf = (stdout: string) => new URL(/^ {2}link: (\S+)$/m.exec(stdout)?.[1] ?? 'missing:').searchParams.get('server');
    assert.equal(linkOf((await admin(['invite', ...dir])).stdout), 'wss://chat.example.com');
    assert.equal(linkOf((await admin(['invite', '--url', 'ws://10.0.0.5:4446', ...dir])).stdout), 'ws://10.0.0.5:4446', '--url wins');
    await server.close();
    server = undefined;

    assert.equal(linkOf((await admin(['invite', '--url', 'https://chat.example.com:8443', ...dir])).stdout), 'wss://chat.example.com:8443');
    const bare = await admin(['invite', ...dir]);
    assert.equal(bare.status, 0, bare.stderr);
    assert.match(bare.stdout, /^invite \d+: \S+\n {2}good for 1 registration until \S+\n {2}for the link, run this while the server runs .* --url wss:\/\/HOST:PORT\n$/);
    const wrong = await admin(['invite', '--url', 'ftp://chat.example.com', ...dir]);
    assert.equal(wrong.status, 2);
    assert.match(wrong.stderr, /--url: a server URL starts with ws:\/\/ or wss:\/\//);
  });
});
