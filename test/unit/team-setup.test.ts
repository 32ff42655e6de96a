/**
 * The issue's "done when", through the real command lines: a team lead starts the server with
 * TLS on every interface, creates the first admin with the command the server prints and an
 * invite; a teammate joins with the invite link (as the extension does, through RelayClient:
 * the extension's own handling of the link is in the real VS Code suite), then signs in from
 * the terminal client on "another machine" (its own config folder) with the same name, and both
 * devices get every message.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { RelayClient } from '../../client/relay-client';
import type { ChatMessage } from '../../protocol';
import { makeTestCa } from '../support/certificates';
import { tempDir } from '../support/server';
import { CliRuns } from './client/cli-runs';
import { until } from './client/helpers';

const SERVER_CLI = path.resolve(__dirname, '../../dist/server/cli.js');
const ADMIN_PASSWORD = 'the lead admin password';
const PASSWORD = 'daves own password';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

/** Runs the server CLI to its end with `stdin`. */
function serverCommand(args: string[], stdin = ''): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SERVER_CLI, ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe('a team on its network: TLS, the first admin, an invite link, two devices of one teammate', function () {
  // Real scrypt cost in the server CLI: each sign-in is about half a second on a small machine.
  this.timeout(60_000);
  const folder = tempDir('relay-chat-team-');
  const runs = new CliRuns();
  const clients: RelayClient[] = [];
  let server: ChildProcessWithoutNullStreams | undefined;

  after(async () => {
    runs.killAll();
    await Promise.all(clients.map((client) => client.close()));
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((resolve) => server!.once('exit', resolve));
    }
    folder.remove();
  });

  it('works from the commands the README shows', async () => {
    const ca = makeTestCa(folder.path);
    const { certFile, keyFile } = ca.issue('chat');
    const dataDir = path.join(folder.path, 'data');
    const port = await freePort();
    const url = `wss://localhost:${port}`;

    // 1. The server, with TLS, on every interface: registration needs invites by default there.
    server = spawn(process.execPath, [SERVER_CLI, '--host', '0.0.0.0', '--port', String(port), '--data', dataDir, '--tls-cert', certFile, '--tls-key', keyFile, '--public-url', url]);
    let serverOutput = '';
    server.stdout.on('data', (chunk: Buffer) => (serverOutput += chunk.toString()));
    server.stderr.on('data', (chunk: Buffer) => (serverOutput += chunk.toString()));
    await until(() => /listening on/.test(serverOutput) && /create the first admin/.test(serverOutput), 'the server is up and says how to make the first admin');
    assert.match(serverOutput, /registration is invite/);

    // 2. The first admin, with the command it printed, and an invite.
    const hint = /relay-chat-server (user add NAME --admin --data \S+)/.exec(serverOutput)?.[1];
    assert.ok(hint, serverOutput);
    const added = await serverCommand(hint.replace('NAME', 'lead').split(' '), `${ADMIN_PASSWORD}\n`);
    assert.equal(added.status, 0, added.stderr);
    const invite = await serverCommand(['invite', '--uses', '1', '--expires', '1d', '--data', dataDir]);
    assert.equal(invite.status, 0, invite.stderr);
    const link = new URL(/link: (\S+)/.exec(invite.stdout)?.[1] ?? assert.fail(invite.stdout));
    assert.equal(link.protocol, 'vscode:');
    assert.equal(link.host, 'relay-chat.relay-chat');
    assert.equal(link.pathname, '/invite');
    assert.equal(link.searchParams.get('server'), url);
    const code = link.searchParams.get('code')!;
    assert.ok(!invite.stdout.includes(ADMIN_PASSWORD));

    // Without an invite nobody gets in, and the CA is needed to connect at all.
    const stranger = await refusal({ url, name: 'mallory', password: 'a guess at anything', ca: readFileSync(ca.caFile) });
    assert.equal(stranger, 'AUTH_FAILED');

    // 3. The teammate follows the link in VS Code: a name, a password and the invite.
    const lead = online(new RelayClient({ url, name: 'lead', password: ADMIN_PASSWORD, ca: readFileSync(ca.caFile) }));
    const vscodeDevice = online(new RelayClient({ url: link.searchParams.get('server')!, name: 'dave', password: PASSWORD, invite: code, device: 'VS Code on laptop', ca: readFileSync(ca.caFile) }));
    await Promise.all([lead.ready, vscodeDevice.ready]);
    assert.equal(await refusal({ url, name: 'erin', password: 'erins password', invite: code, ca: readFileSync(ca.caFile) }), 'INVITE_INVALID', 'the invite was for one');

    // 4. The same teammate signs in from the terminal client on another machine.
    const otherMachine = path.join(folder.path, 'other-machine');
    const login = runs.run(['login', '--url', url, '--name', 'dave', '--ca', ca.caFile, '--password-stdin'], `${PASSWORD}\n`, otherMachine);
    assert.equal(await login.exited, 0, login.output.stderr);
    assert.match(login.output.stdout, /dave/);
    for (const file of readdirSync(otherMachine)) {
      assert.ok(!readFileSync(path.join(otherMachine, file), 'utf8').includes(PASSWORD), `${file} holds no password`);
    }
    const terminal = runs.run(['--batch', '--url', url, '--name', 'dave', '--ca', ca.caFile], '', otherMachine, true);

    // Both of dave's devices get every message for dave, once; what one sends reaches the other.
    // The terminal speaks first: once that arrives, it is connected.
    terminal.child.stdin.write('/msg lead thanks, from the terminal\n');
    await until(() => lead.texts().includes('thanks, from the terminal'), 'the lead got what the terminal sent');
    await until(() => vscodeDevice.texts().includes('thanks, from the terminal'), 'the other device of dave sees it too');
    lead.client.send('welcome to the team');
    lead.client.send('here is the build key', 'dave');
    await until(() => /welcome to the team/.test(terminal.output.stdout) && /here is the build key/.test(terminal.output.stdout), 'the terminal got both');
    await until(() => vscodeDevice.texts().includes('here is the build key') && vscodeDevice.texts().includes('welcome to the team'), 'VS Code got both');
    terminal.child.stdin.end();
    assert.equal(await terminal.exited, 0, terminal.output.stderr);
    for (const text of ['welcome to the team', 'here is the build key']) {
      assert.equal(terminal.output.stdout.split(text).length - 1, 1, `the terminal printed "${text}" once`);
      assert.equal(vscodeDevice.texts().filter((t) => t === text).length, 1, `VS Code got "${text}" once`);
    }

    // Nothing secret is in the database in plain text.
    const databaseFiles = readdirSync(dataDir).filter((name) => name.startsWith('relay-chat.sqlite3'));
    assert.ok(databaseFiles.length > 0, readdirSync(dataDir).join(', '));
    for (const file of databaseFiles) {
      const bytes = readFileSync(path.join(dataDir, file)).toString('latin1');
      for (const secret of [ADMIN_PASSWORD, PASSWORD, code]) assert.ok(!bytes.includes(secret), `${file} holds no secret`);
    }
  });

  function online(client: RelayClient): { client: RelayClient; ready: Promise<void>; texts: () => string[] } {
    clients.push(client);
    const messages: ChatMessage[] = [];
    client.on('message', (message) => messages.push(message));
    const ready = new Promise<void>((resolve, reject) => {
      client.once('welcome', () => resolve());
      client.once('refused', (code, message) => reject(new Error(`${code}: ${message}`)));
    });
    client.connect();
    return { client, ready, texts: () => messages.map((message) => message.text) };
  }

  async function refusal(options: ConstructorParameters<typeof RelayClient>[0]): Promise<string> {
    const client = new RelayClient(options);
    clients.push(client);
    return new Promise((resolve) => {
      client.once('refused', (code) => resolve(code));
      client.once('welcome', () => resolve('welcome'));
      client.connect();
    });
  }
});
