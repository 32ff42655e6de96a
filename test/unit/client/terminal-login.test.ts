import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer } from 'ws';
import { openSqliteBackend, type RelayServer } from '../../../server';
import { startTestServer, tempDir } from '../../support/server';
import { CLI, CliRuns } from './cli-runs';
import { ClientPool, makeClient, nextEvent } from './helpers';

const PASSWORD = 'correct horse battery';
const passwordCost = { N: 1024, r: 8, p: 1 };

describe('client: relay-chat login and logout (built CLI)', function () {
  this.timeout(30_000);
  let server: RelayServer;
  let config: { path: string; remove: () => void };
  const pool = new ClientPool();
  const runs = new CliRuns();
  const run = (args: string[], input = ''): ReturnType<CliRuns['run']> => runs.run(args, input, config.path);
  const sessionsFile = (): string => path.join(config.path, 'sessions.json');
  /** The token saved for `name`, whichever server it is kept under. */
  const savedToken = (name: string): string | undefined => {
    if (!fs.existsSync(sessionsFile())) return undefined;
    const saved = JSON.parse(fs.readFileSync(sessionsFile(), 'utf8'));
    return Object.values<Record<string, string>>(saved.servers).find((sessions) => sessions[name])?.[name];
  };
  /** What a hello with this token gets now: 'welcome' or the refusal's code. */
  const helloWith = async (name: string, token: string): Promise<string> => {
    const client = makeClient(server.url, name, { session: token });
    pool.track(client);
    const answer = Promise.race([nextEvent(client, 'welcome').then(() => 'welcome'), nextEvent(client, 'refused').then(([code]) => code)]);
    client.connect();
    return answer;
  };

  before(() => {
    assert.ok(fs.existsSync(CLI), `${CLI} is missing: run npm run build first`);
  });
  beforeEach(async () => {
    server = await startTestServer({ passwordCost });
    config = tempDir('relay-chat-login-');
  });
  afterEach(async () => {
    runs.killAll();
    await pool.closeAll();
    await server.close();
    config.remove();
  });

  it('login registers the name and saves only the token; chat then signs in with it; logout signs the device out and deletes it', async () => {
    const login = run(['login', '--url', server.url, '--name', 'dana', '--password-stdin', '--device', 'ci box'], `${PASSWORD}\n`);
    assert.equal(await login.exited, 0, login.output.stderr);
    assert.equal(
      login.output.stdout,
      `signed in as dana on ${server.url}, as the device "ci box"; its token is saved in ${sessionsFile()}\n`,
    );
    assert.equal(login.output.stderr, '');
    const text = fs.readFileSync(sessionsFile(), 'utf8');
    assert.ok(!text.includes(PASSWORD), 'the password is never written down');
    assert.equal(fs.statSync(sessionsFile()).mode & 0o777, 0o600);
    const token = savedToken('dana');
    assert.ok(token);

    const again = run(['login', '--url', server.url, '--name', 'dana', '--password-stdin'], `${PASSWORD}\n`);
    assert.equal(await again.exited, 0, again.output.stderr);
    assert.equal(savedToken('dana'), token, 'a device signed in before signs in again as itself');

    const chat = run(['--url', server.url, '--name', 'dana'], 'with the saved token\n');
    assert.equal(await chat.exited, 0, chat.output.stderr);

    const logout = run(['logout', '--url', server.url, '--name', 'dana']);
    assert.equal(await logout.exited, 0, logout.output.stderr);
    assert.equal(logout.output.stdout, `signed out dana on ${server.url}: this device's token no longer works and is deleted here\n`);
    assert.equal(savedToken('dana'), undefined);
    assert.notEqual(await helloWith('dana', token), 'welcome', 'the token no longer signs in');

    const nothing = run(['logout', '--url', server.url, '--name', 'dana']);
    assert.equal(await nothing.exited, 0);
    assert.match(nothing.output.stdout, /^not signed in as dana on .* \(no token is saved for it\); nothing to do\n$/);
  });

  it('login takes the server and code from an invite link; each refusal is one line with the next step and exit 3', async () => {
    await server.close();
    const storage = openSqliteBackend();
    server = await startTestServer({ passwordCost, registration: 'invite', storage });
    const { code } = await storage.identity.createInvite(1, Date.now() + 60_000);
    const link = `vscode://relay-chat.relay-chat/invite?server=${encodeURIComponent(server.url)}&code=${code}`;
    const refusals: Array<[string[], string, RegExp]> = [
      [['--invite', 'not-a-code', '--url', server.url], PASSWORD, /\(INVITE_INVALID\): the invite is unknown, used up or expired: ask for a new one/],
      [['--invite', link], 'short', /\(BAD_PASSWORD\): a password is 8 to 1024 characters/],
    ];
    for (const [args, password, expected] of refusals) {
      const refused = run(['login', '--name', 'gina', '--password-stdin', ...args], `${password}\n`);
      assert.equal(await refused.exited, 3, refused.output.stderr);
      assert.match(refused.output.stderr, expected);
      assert.equal(refused.output.stderr.trimEnd().split('\n').length, 1, refused.output.stderr);
    }

    const registered = run(['login', '--name', 'gina', '--password-stdin', '--invite', link], `${PASSWORD}\n`);
    assert.equal(await registered.exited, 0, registered.output.stderr);
    assert.match(registered.output.stdout, new RegExp(`^signed in as gina on ${server.url}, as the device "relay-chat on `));
    assert.ok(!fs.readFileSync(sessionsFile(), 'utf8').includes(PASSWORD));

    // Failed sign-ins are counted per name and address: past five the server says how long to wait.
    let last = '';
    for (let attempt = 0; attempt < 6 && !/TOO_MANY_ATTEMPTS/.test(last); attempt++) {
      const wrong = run(['login', '--url', server.url, '--name', 'hank', '--password-stdin'], 'not the password\n');
      assert.equal(await wrong.exited, 3);
      last = wrong.output.stderr;
      if (attempt === 0) assert.match(last, /\(AUTH_FAILED\): wrong password, or this device was signed out: sign in again with relay-chat login/);
    }
    assert.match(last, /\(TOO_MANY_ATTEMPTS\): too many failed sign-ins: try again in \d+ s/);
  });

  it('login without a terminal needs --password-stdin; refusals it has no name for (ACCOUNT_DISABLED, newer ones) are one line and exit 3', async () => {
    const usage = run(['login', '--url', server.url, '--name', 'dana']);
    assert.equal(await usage.exited, 2);
    assert.match(usage.output.stderr, /there is no terminal to ask for the password on: pass it on the first line of stdin with --password-stdin/);

    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => wss.once('listening', resolve));
    let refusal = { code: 'ACCOUNT_DISABLED', message: 'this account was disabled' };
    wss.on('connection', (socket) =>
      socket.once('message', () => {
        socket.send(JSON.stringify({ type: 'error', ...refusal }));
        socket.close(4001, 'refused');
      }),
    );
    try {
      const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
      const disabled = run(['login', '--url', url, '--name', 'dana', '--password-stdin'], `${PASSWORD}\n`);
      assert.equal(await disabled.exited, 3);
      assert.match(disabled.output.stderr, /^relay-chat: .*\(ACCOUNT_DISABLED\): this account is disabled: ask an admin of the server to enable it \(this account was disabled\)\n$/);
      refusal = { code: 'SOMETHING_NEWER', message: 'not today' };
      const newer = run(['login', '--url', url, '--name', 'dana', '--password-stdin'], `${PASSWORD}\n`);
      assert.equal(await newer.exited, 3);
      assert.match(newer.output.stderr, /^relay-chat: .*\(SOMETHING_NEWER\): not today\n$/);
    } finally {
      for (const socket of wss.clients) socket.terminate();
      await new Promise((resolve) => wss.close(resolve));
    }
  });

  it('logout without the server deletes the token here, says it stays valid there until revoked, and exits 3', async () => {
    const login = run(['login', '--url', server.url, '--name', 'dana', '--password-stdin'], `${PASSWORD}\n`);
    assert.equal(await login.exited, 0, login.output.stderr);
    const token = savedToken('dana');
    assert.ok(token);
    const port = server.port;
    await server.close();
    const logout = run(['logout', '--url', `ws://127.0.0.1:${port}`, '--name', 'dana']);
    assert.equal(await logout.exited, 3);
    assert.match(
      logout.output.stderr,
      /^relay-chat: cannot connect to ws:\/\/127\.0\.0\.1:\d+ \(.*\): deleted the token here, but it stays valid on the server until it is revoked from another device \(\/devices, then \/revoke ID\) or by an admin \(relay-chat-server sessions revoke dana ID\)\n$/,
    );
    assert.equal(savedToken('dana'), undefined);
    server = await startTestServer({ passwordCost });
  });

  it('logout will not sign out the last device of an account without a password, which no one could sign in to again', async () => {
    const chat = run(['--url', server.url, '--name', 'erin'], 'registered without a password\n');
    assert.equal(await chat.exited, 0, chat.output.stderr);
    const token = savedToken('erin');
    assert.ok(token);
    const logout = run(['logout', '--url', server.url, '--name', 'erin']);
    assert.equal(await logout.exited, 3);
    assert.match(logout.output.stderr, /^relay-chat: not signed out: erin has no password and no other device, so no one could sign in as it again; set a password with \/passwd in relay-chat first\n$/);
    assert.equal(savedToken('erin'), token, 'kept, as it still works');
    assert.equal(await helloWith('erin', token), 'welcome');
  });

  it('--help shows login and logout', async () => {
    const help = run(['--help']);
    assert.equal(await help.exited, 0);
    assert.match(help.output.stdout, /relay-chat login \[--url URL\]/);
    assert.match(help.output.stdout, /relay-chat logout \[--url URL\] \[--name NAME\]/);
  });
});
