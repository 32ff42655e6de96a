import assert from 'node:assert/strict';
import { MemoryBroker, MemoryPresence, openSqliteBackend, type RelayServer, type SqliteBackend } from '../../../server';
import { PasswordHasher } from '../../../server/identity/passwords';
import { startTestServer, tempDir } from '../../support/server';
import { TestClient } from '../../support/ws-test-client';

/** Cheap scrypt for tests; the default cost is checked in passwords.test.ts. */
const passwordCost = { N: 1024, r: 8, p: 1 };
const ADMIN_PASSWORD = 'the admin password';
const PASSWORD = 'correct horse battery';

describe('server: disabled accounts', () => {
  const servers: RelayServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  async function serverWithAdmin(options: Parameters<typeof startTestServer>[0] = {}): Promise<{ server: RelayServer; admin: TestClient; storage: SqliteBackend }> {
    const storage = (options.storage as SqliteBackend | undefined) ?? openSqliteBackend();
    const server = await startTestServer({ passwordCost, storage, ...options });
    servers.push(server);
    if (!(await storage.identity.accountByName('root'))) {
      await storage.identity.createAccount('root', await new PasswordHasher(passwordCost).hash(ADMIN_PASSWORD), true);
    }
    const admin = await TestClient.join(server.url, 'root', { password: ADMIN_PASSWORD });
    return { server, admin, storage };
  }

  it('closes every device of a disabled account with 4004, takes it offline, and refuses its valid credentials with ACCOUNT_DISABLED', async () => {
    const { server, admin } = await serverWithAdmin();
    const laptop = await TestClient.join(server.url, 'bo', { password: PASSWORD, device: 'laptop' });
    const desktop = await TestClient.join(server.url, 'bo', { password: PASSWORD, device: 'desktop' });
    const carol = await TestClient.join(server.url, 'carol');
    const dee = await TestClient.join(server.url, 'dee');

    admin.send({ type: 'disable', name: 'BO', ref: 'd1' });
    assert.deepEqual(await admin.next('user'), { type: 'user', ref: 'd1', name: 'bo', disabled: true });
    for (const device of [laptop, desktop]) {
      assert.deepEqual(await device.closed, { code: 4004, reason: 'this account was disabled' });
    }
    await carol.next('presence', (p) => p.name === 'bo' && !p.online);
    await carol.sync();
    assert.equal(carol.pending('presence').filter((p) => p.name === 'bo').length, 0, 'one presence change, not one per device');

    const disabled = await TestClient.refused(server.url, { name: 'bo', token: laptop.welcome.token });
    assert.deepEqual([disabled.code, disabled.close], ['ACCOUNT_DISABLED', 4001]);
    assert.match(disabled.message, /an administrator disabled this account/);
    assert.equal((await TestClient.refused(server.url, { name: 'bo', password: PASSWORD })).code, 'ACCOUNT_DISABLED');
    assert.equal((await TestClient.refused(server.url, { name: 'bo', password: PASSWORD, token: desktop.welcome.token })).code, 'ACCOUNT_DISABLED');

    // Whoever does not hold its credentials learns nothing new, and the name stays reserved.
    const wrongPassword = await TestClient.refused(server.url, { name: 'bo', password: 'not the password' });
    assert.deepEqual(wrongPassword, await TestClient.refused(server.url, { name: 'carol', password: 'not the password' }), 'as for any account');
    assert.equal(wrongPassword.code, 'AUTH_FAILED');
    assert.equal((await TestClient.refused(server.url, { name: 'bo', token: carol.welcome.token })).code, 'AUTH_FAILED');
    assert.equal((await TestClient.refused(server.url, { name: 'Bo' })).code, 'AUTH_REQUIRED', 'nobody registers the name');

    admin.send({ type: 'disable', name: 'dee', ref: 'd2' });
    await admin.next('user', (u) => u.ref === 'd2');
    assert.equal((await dee.closed).code, 4004);
    assert.equal((await TestClient.refused(server.url, { name: 'dee' })).code, 'NAME_TAKEN', 'a token-only name stays reserved');
    assert.equal((await TestClient.refused(server.url, { name: 'dee', token: dee.welcome.token })).code, 'ACCOUNT_DISABLED');

    admin.send({ type: 'enable', name: 'bo', ref: 'e1' });
    assert.deepEqual(await admin.next('user', (u) => u.ref === 'e1'), { type: 'user', ref: 'e1', name: 'bo', disabled: false });
    const back = await TestClient.join(server.url, 'bo', { token: laptop.welcome.token });
    assert.equal(back.welcome.token, laptop.welcome.token, 'its devices keep their tokens');
    await TestClient.join(server.url, 'bo', { password: PASSWORD });
    await carol.next('presence', (p) => p.name === 'bo' && p.online);
  });

  it('answers disable and enable from anyone but an admin with FORBIDDEN, and refuses an unknown name and oneself', async () => {
    const { server, admin } = await serverWithAdmin();
    const carol = await TestClient.join(server.url, 'carol');
    carol.send({ type: 'disable', name: 'root', ref: 'c1' });
    carol.send({ type: 'enable', name: 'root', ref: 'c2' });
    for (const ref of ['c1', 'c2']) {
      const error = await carol.next('error', (e) => e.ref === ref);
      assert.equal(error.code, 'FORBIDDEN');
    }
    admin.send({ type: 'disable', name: 'ROOT', ref: 'a1' });
    assert.equal((await admin.next('error', (e) => e.ref === 'a1')).code, 'BAD_REQUEST');
    admin.send({ type: 'disable', name: 'ghost', ref: 'a2' });
    assert.equal((await admin.next('error', (e) => e.ref === 'a2')).code, 'UNKNOWN_USER');
    admin.send({ type: 'enable', name: 'no such name!', ref: 'a3' });
    assert.equal((await admin.next('error', (e) => e.ref === 'a3')).code, 'UNKNOWN_USER');
    admin.send({ type: 'disable', ref: 'a4' });
    assert.equal((await admin.next('error', (e) => e.ref === 'a4')).code, 'BAD_FRAME');
    await carol.sync();
    assert.equal(carol.ws.readyState, carol.ws.OPEN, 'nobody was disabled');
    assert.equal(admin.ws.readyState, admin.ws.OPEN);
  });

  it('closes the devices connected to another node, through the broker', async () => {
    const data = tempDir();
    try {
      const broker = new MemoryBroker();
      const presence = new MemoryPresence();
      const shared = { broker, presence, controlSocket: false as const };
      const { admin } = await serverWithAdmin({ ...shared, storage: openSqliteBackend({ dataDir: data.path }) });
      const other = await startTestServer({ ...shared, passwordCost, storage: openSqliteBackend({ dataDir: data.path }) });
      servers.push(other);
      const bo = await TestClient.join(other.url, 'bo', { password: PASSWORD });
      admin.send({ type: 'disable', name: 'bo', ref: 'x' });
      await admin.next('user');
      assert.deepEqual(await bo.closed, { code: 4004, reason: 'this account was disabled' });
      assert.equal((await TestClient.refused(other.url, { name: 'bo', password: PASSWORD })).code, 'ACCOUNT_DISABLED', 'the other node sees it too');
    } finally {
      await Promise.all(servers.splice(0).map((server) => server.close()));
      data.remove();
    }
  });

  it('closes a device disabled after its sign-in was checked but before it joined the hub, whose close it missed', async () => {
    const storage = openSqliteBackend();
    const { server } = await serverWithAdmin({ storage });
    const first = await TestClient.join(server.url, 'bo', { password: PASSWORD });
    first.ws.close();
    await first.closed;
    // The disable commits between the hello's token check and its joining the hub, and its
    // close order (published before the connection was there) reached nobody.
    const verifyDevice = storage.identity.verifyDevice.bind(storage.identity);
    let raced = false;
    storage.identity.verifyDevice = async (name, token) => {
      const found = await verifyDevice(name, token);
      if (!raced) {
        raced = true;
        await storage.identity.setDisabled(name, true);
      }
      return found;
    };
    const late = await TestClient.connect(server.url);
    late.send({ type: 'hello', name: 'bo', token: first.welcome.token });
    assert.deepEqual(await late.closed, { code: 4004, reason: 'this device was signed out while it connected' });
    assert.ok(!late.frames.some((frame) => frame.type === 'welcome'), 'no welcome for a disabled account');
  });
});
