/**
 * relay-chat-server on PostgreSQL, as an operator runs it: `migrate` from several nodes at once,
 * `import --from-sqlite` of a single-node installation (and its refusal of a non-empty target),
 * `--store` serving clients, and UNAVAILABLE for a say while PostgreSQL is down. Needs dist/.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { openSqliteBackend, type RelayServer } from '../../../server';
import type { Account } from '../../../server/identity/identity-store';
import { openPostgresBackend, type PostgresBackend } from '../../../server/store/postgres/postgres-backend';
import { usePostgres } from '../../support/postgres';
import { startTestServer, tempDir } from '../../support/server';
import { TestClient } from '../../support/ws-test-client';

const CLI = path.resolve('dist/server/cli.js');

function run(args: string[], stdin = ''): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.end(stdin);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

/** A server started from the command line; resolves once it says where it listens. */
function serve(args: string[]): Promise<{ child: ChildProcess; url: string; line: string }> {
  const child = spawn(process.execPath, [CLI, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const match = /^Relay Chat server listening on (ws:\/\/\S+).*$/m.exec(out);
      if (match) resolve({ child, url: match[1]!, line: match[0] });
    });
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}: ${stderr}`)));
  });
}

describe('server: relay-chat-server on PostgreSQL', function () {
  this.timeout(60_000);
  const postgres = usePostgres('the PostgreSQL command-line tests');
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  async function backend(url: string): Promise<PostgresBackend> {
    const opened = await openPostgresBackend({ url });
    cleanups.push(() => opened.close());
    return opened;
  }

  it('migrate: three nodes at once, one applies the schema, the others find it up to date', async () => {
    const url = await postgres().createDatabase();
    const runs = await Promise.all([0, 1, 2].map(() => run(['migrate', '--store', url])));
    assert.deepEqual(runs.map((r) => r.status), [0, 0, 0], runs.map((r) => r.stderr).join(''));
    assert.deepEqual(
      runs.map((r) => r.stdout.trim()).sort(),
      ['migrated the PostgreSQL schema from version 0 to 1', 'the PostgreSQL schema is up to date (version 1)', 'the PostgreSQL schema is up to date (version 1)'],
    );
    assert.equal((await run(['migrate', '--store', 'postgres://relay@/nowhere?host=/nonexistent-socket-folder'])).status, 1, 'an unreachable store fails');
  });

  it('import --from-sqlite moves accounts, devices, invites, channels, read state and history, keeping ids and seqs; it refuses a non-empty target', async () => {
    const data = tempDir();
    cleanups.push(() => data.remove());
    const sqlite = openSqliteBackend({ dataDir: data.path });
    const ana = await sqlite.identity.register('Ana', 'scrypt$ana', 'laptop');
    const bo = await sqlite.identity.register('bo', undefined, 'phone');
    const gone = await sqlite.identity.register('gone', undefined, 'x');
    assert.ok(typeof ana === 'object' && typeof bo === 'object' && typeof gone === 'object');
    const { code } = await sqlite.identity.createInvite(3, Date.now() + 60_000);
    const design = await sqlite.channels.create('design', ana.account, { private: true, topic: 'pixels' });
    assert.ok(typeof design === 'object');
    await sqlite.channels.addMember(design, bo.account);
    const general = { kind: 'channel' as const, channel: await sqlite.channels.general() };
    const say = (sender: Account, id: string, conversation: Parameters<typeof sqlite.store.append>[0]['conversation'], extra = {}) =>
      sqlite.store.append({ sender, clientId: id, text: `text ${id}`, conversation, ...extra });
    await say(ana.account, 'g1', general, { mentions: ['bo'], mentioned: [bo.account.id] });
    await say(bo.account, 'd1', { kind: 'channel', channel: design });
    await say(ana.account, 'p1', { kind: 'direct', with: bo.account });
    await say(gone.account, 'p2', { kind: 'direct', with: ana.account });
    await sqlite.channels.markRead(bo.account, general, 1);
    // A released name: its id and its private message's seq must never be handed out again.
    await sqlite.identity.removeAccount('gone');
    await sqlite.store.deletePrivateConversations(gone.account);
    const before = {
      serverId: await sqlite.identity.serverId(),
      accounts: await sqlite.identity.accounts(),
      invites: await sqlite.identity.invites(),
      browse: await sqlite.channels.browse(ana.account),
      state: [await sqlite.channels.readState(ana.account, Number.MAX_SAFE_INTEGER), await sqlite.channels.readState(bo.account, Number.MAX_SAFE_INTEGER)],
      welcome: [await sqlite.store.welcomeSnapshot(ana.account, 'all', undefined, 50), await sqlite.store.welcomeSnapshot(bo.account, 'all', undefined, 50)],
      direct: await sqlite.store.history({ viewer: bo.account, conversation: { kind: 'direct', with: ana.account }, limit: 50 }),
    };
    await sqlite.close();

    const url = await postgres().createDatabase();
    const imported = await run(['import', '--from-sqlite', data.path, '--store', url]);
    assert.equal(imported.status, 0, imported.stderr);
    assert.match(imported.stdout, /users: 2\n {2}devices: 2\n {2}invites: 1\n {2}channels: 2\n/);
    const target = await backend(url);
    assert.deepEqual(
      {
        serverId: await target.identity.serverId(),
        accounts: await target.identity.accounts(),
        invites: await target.identity.invites(),
        browse: await target.channels.browse(ana.account),
        state: [await target.channels.readState(ana.account, Number.MAX_SAFE_INTEGER), await target.channels.readState(bo.account, Number.MAX_SAFE_INTEGER)],
        welcome: [await target.store.welcomeSnapshot(ana.account, 'all', undefined, 50), await target.store.welcomeSnapshot(bo.account, 'all', undefined, 50)],
        direct: await target.store.history({ viewer: bo.account, conversation: { kind: 'direct', with: ana.account }, limit: 50 }),
      },
      before,
    );
    assert.equal((await target.identity.verifyDevice('ana', ana.token))?.device.label, 'laptop', 'device tokens keep working');
    assert.equal(await target.identity.isInviteLive(code), true);
    assert.deepEqual(await target.identity.credentials('ana'), { account: { ...ana.account, hasPassword: true }, passwordHash: 'scrypt$ana' });
    const next = await target.identity.register('cy', undefined, 'x');
    assert.ok(typeof next === 'object');
    assert.ok(next.account.id > gone.account.id, 'no id is reused');
    const seq = (await target.store.append({ sender: next.account, clientId: 'c1', text: 'hi', conversation: { kind: 'channel', channel: await target.channels.general() } })).message.seq;
    assert.equal(seq, 5, 'seqs go on after the highest SQLite gave, the deleted message’s too');

    const again = await run(['import', '--from-sqlite', data.path, '--store', url]);
    assert.equal(again.status, 2);
    assert.match(again.stderr, /not empty/);
    assert.equal((await target.identity.accounts()).length, 3, 'nothing was added');
  });

  it('serves with --store (or RELAY_CHAT_STORE): clients on two nodes of one database share accounts and history', async () => {
    const url = await postgres().createDatabase();
    const dirs = [tempDir(), tempDir()];
    cleanups.push(() => dirs.forEach((dir) => dir.remove()));
    const first = await serve(['--store', url, '--data', dirs[0]!.path]);
    cleanups.push(() => first.child.kill());
    assert.match(first.line, /\(data in PostgreSQL \/tmp\/relay-chat-pg-\w+\/test_\d+\)$/);
    const ana = await TestClient.join(first.url, 'ana', { device: 'laptop' });
    cleanups.push(() => ana.close());
    const acked = await ana.request({ type: 'say', id: 'm1', text: 'stored in PostgreSQL' }, 's1');
    assert.equal(acked.type, 'ack');
    const second = await new Promise<Awaited<ReturnType<typeof serve>>>((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, '--port', '0', '--data', dirs[1]!.path], { env: { ...process.env, RELAY_CHAT_STORE: url }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk;
        const match = /listening on (ws:\/\/\S+)/.exec(out);
        if (match) resolve({ child, url: match[1]!, line: '' });
      });
      child.once('exit', (status) => reject(new Error(`exited with ${status}`)));
    });
    cleanups.push(() => second.child.kill());
    const back = await TestClient.join(second.url, 'ana', { token: ana.welcome.token! });
    cleanups.push(() => back.close());
    assert.deepEqual(back.welcome.messages.map((m) => [m.seq, m.text]), [[1, 'stored in PostgreSQL']], 'the other node knows the device and the history');
    assert.equal(back.welcome.server, ana.welcome.server, 'one installation, one server id');
  });

  it('administers accounts on PostgreSQL with --store when no server runs', async () => {
    const url = await postgres().createDatabase();
    const data = tempDir();
    cleanups.push(() => data.remove());
    const added = await run(['user', 'add', 'ada', '--admin', '--store', url, '--data', data.path], 'a long enough password\n');
    assert.equal(added.status, 0, added.stderr);
    assert.match((await run(['user', 'list', '--store', url, '--data', data.path])).stdout, /^ada \(admin\) {2}password: yes {2}devices: 0/m);
    const target = await backend(url);
    assert.equal((await target.identity.accountByName('ada'))?.admin, true);
  });

  it('answers a say with UNAVAILABLE and retryAfterMs while PostgreSQL is down, stores nothing, and takes the resend once it is back', async () => {
    const url = await postgres().createDatabase();
    const server: RelayServer = await startTestServer({ storage: await openPostgresBackend({ url }) });
    cleanups.push(() => server.close());
    const ana = await TestClient.join(server.url, 'ana');
    const bo = await TestClient.join(server.url, 'bo');
    cleanups.push(() => ana.close(), () => bo.close());
    postgres().stopSync();
    let refused;
    let hello: { code: string; close: number };
    try {
      refused = await ana.request({ type: 'say', id: 'm1', to: 'bo', text: 'during the outage' }, 's1');
      // Signing in needs the database too: a retryable answer and close, not INTERNAL and 1011.
      hello = await TestClient.refused(server.url, { name: 'cy' });
    } finally {
      postgres().startSync();
    }
    assert.deepEqual({ code: hello.code, close: hello.close }, { code: 'UNAVAILABLE', close: 1013 });
    assert.ok(refused.type === 'error', JSON.stringify(refused));
    assert.equal(refused.code, 'UNAVAILABLE');
    assert.equal(refused.id, 'm1');
    assert.ok(refused.retryAfterMs !== undefined && refused.retryAfterMs > 0);
    const acked = await ana.request({ type: 'say', id: 'm1', to: 'bo', text: 'during the outage' }, 's2');
    assert.equal(acked.type, 'ack');
    assert.equal((await bo.next('message')).text, 'during the outage', 'delivered once it was stored');
  });
});
