import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { startRelayServer, type RelayServer } from '../../../server';
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
    assert.ok(logs.some((line) => line.includes('relay-chat-server user add NAME --admin')), 'the first start says how to make an admin');
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
