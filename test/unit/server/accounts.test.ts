import assert from 'node:assert/strict';
import { openSqliteBackend, type RelayServer } from '../../../server';
import { startTestServer } from '../../support/server';
import { TestClient } from '../../support/ws-test-client';

/** Cheap scrypt for tests; the default cost is checked in passwords.test.ts. */
const passwordCost = { N: 1024, r: 8, p: 1 };
const PASSWORD = 'correct horse battery';

describe('server: accounts, passwords and devices', () => {
  let server: RelayServer;
  afterEach(() => server.close());

  it('registers with a password, then signs in elsewhere as a second device that keeps the first online', async () => {
    server = await startTestServer({ passwordCost });
    const laptop = await TestClient.join(server.url, 'alice', { password: PASSWORD, device: 'laptop' });
    assert.deepEqual(laptop.welcome.account, { admin: false, password: true });
    assert.equal(laptop.welcome.token, laptop.welcome.session);
    const bob = await TestClient.join(server.url, 'bob');
    const desktop = await TestClient.join(server.url, 'ALICE', { password: PASSWORD, device: 'desktop' });
    assert.notEqual(desktop.welcome.token, laptop.welcome.token, 'each device holds its own token');
    await bob.sync();
    assert.equal(bob.pending('presence').filter((p) => p.name === 'alice').length, 0, 'a second device is no presence change');

    bob.send({ type: 'say', id: 'b1', text: 'to all' });
    bob.send({ type: 'say', id: 'b2', text: 'to alice', to: 'alice' });
    for (const device of [laptop, desktop]) {
      assert.equal((await device.next('message', (m) => m.id === 'b1')).text, 'to all');
      assert.equal((await device.next('message', (m) => m.id === 'b2')).text, 'to alice');
    }
    laptop.send({ type: 'say', id: 'a1', text: 'from the laptop' });
    assert.equal((await laptop.next('ack')).id, 'a1');
    assert.equal((await desktop.next('message', (m) => m.id === 'a1')).from, 'alice', 'own messages reach the other devices');
    await bob.next('message', (m) => m.id === 'a1');
    laptop.send({ type: 'say', id: 'a2', text: 'a note', to: 'alice' });
    await desktop.next('message', (m) => m.id === 'a2');
    await laptop.sync();
    assert.equal(laptop.pending('message').filter((m) => m.id === 'a1' || m.id === 'a2').length, 0, 'never to the device that sent it');

    await laptop.close();
    await bob.sync();
    assert.equal(bob.pending('presence').length, 0, 'still online on the desktop');
    await desktop.close();
    await bob.next('presence', (p) => p.name === 'alice' && !p.online);
  });

  it('a device token resumes that device; a second connection with it replaces the first (4002)', async () => {
    server = await startTestServer({ passwordCost });
    const first = await TestClient.join(server.url, 'carol', { password: PASSWORD });
    const again = await TestClient.join(server.url, 'carol', { token: first.welcome.token! });
    assert.equal(again.welcome.token, first.welcome.token);
    assert.equal((await first.closed).code, 4002);
    const v1 = await TestClient.join(server.url, 'carol', { session: first.welcome.token! });
    assert.equal(v1.welcome.session, first.welcome.token, 'a v1 client sends the token as its session');
  });

  it('refuses sign-ins with the right code, closing with 4001', async () => {
    server = await startTestServer({ passwordCost });
    const dave = await TestClient.join(server.url, 'dave', { password: PASSWORD });
    const erin = await TestClient.join(server.url, 'erin');
    const cases: Array<[object, string]> = [
      [{ name: 'dave' }, 'AUTH_REQUIRED'],
      [{ name: 'dave', password: 'wrong password' }, 'AUTH_FAILED'],
      [{ name: 'dave', password: '' }, 'BAD_PASSWORD'],
      [{ name: 'dave', password: 'short' }, 'BAD_PASSWORD'],
      [{ name: 'dave', password: 'x'.repeat(2048) }, 'BAD_PASSWORD'],
      [{ name: 'newbie', password: '😀'.repeat(1025) }, 'BAD_PASSWORD'],
      [{ name: 'dave', token: erin.welcome.token }, 'AUTH_FAILED'],
      [{ name: 'erin', token: dave.welcome.token }, 'AUTH_FAILED'],
      [{ name: 'erin', session: dave.welcome.token }, 'NAME_TAKEN'],
      [{ name: 'erin', password: PASSWORD }, 'AUTH_FAILED'],
    ];
    for (const [hello, code] of cases) {
      const refusal = await TestClient.refused(server.url, hello);
      assert.deepEqual([refusal.code, refusal.close], [code, 4001], JSON.stringify(hello).slice(0, 80));
    }
    assert.equal((await TestClient.join(server.url, 'newbie', { password: '😀'.repeat(1024) })).welcome.account?.password, true);
  });

  it('with invite-only registration: an invite and a password register, its uses and expiry hold, and no answer tells whether a name exists', async () => {
    const storage = openSqliteBackend();
    server = await startTestServer({ passwordCost, registration: 'invite', storage });
    const { code } = await storage.identity.createInvite(2, Date.now() + 60_000);
    const { code: expired } = await storage.identity.createInvite(5, Date.now() - 1);
    assert.equal((await TestClient.refused(server.url, { name: 'gina', invite: code })).code, 'AUTH_REQUIRED', 'an invite needs a password');
    assert.equal((await TestClient.refused(server.url, { name: 'gina', password: PASSWORD, invite: 'not-a-code' })).code, 'INVITE_INVALID');
    assert.equal((await TestClient.refused(server.url, { name: 'gina', password: PASSWORD, invite: expired })).code, 'INVITE_INVALID');
    const gina = await TestClient.join(server.url, 'gina', { password: PASSWORD, invite: code });
    assert.equal(gina.welcome.account?.password, true);
    await TestClient.join(server.url, 'hank', { password: PASSWORD, invite: code });
    assert.equal((await TestClient.refused(server.url, { name: 'ivy', password: PASSWORD, invite: code })).code, 'INVITE_INVALID', 'used up');
    assert.equal((await storage.identity.invites()).length, 0, 'neither is live any more');

    const unknown = await TestClient.refused(server.url, { name: 'ghost', password: PASSWORD });
    const wrong = await TestClient.refused(server.url, { name: 'gina', password: 'not her password' });
    assert.deepEqual(unknown, wrong, 'same code, message and close');
    assert.equal(unknown.code, 'AUTH_FAILED');
    assert.deepEqual(await TestClient.refused(server.url, { name: 'ghost' }), await TestClient.refused(server.url, { name: 'gina' }));
    assert.deepEqual(
      await TestClient.refused(server.url, { name: 'ghost', password: PASSWORD, invite: 'made-up' }),
      await TestClient.refused(server.url, { name: 'gina', password: PASSWORD, invite: 'made-up' }),
      'a made-up invite cannot probe for names',
    );
    for (let i = 0; i < 4; i++) await TestClient.refused(server.url, { name: 'guesser', password: PASSWORD, invite: `guess${i}` });
    assert.equal((await TestClient.refused(server.url, { name: 'guesser', password: PASSWORD, invite: 'guess5' })).code, 'INVITE_INVALID');
    assert.equal((await TestClient.refused(server.url, { name: 'guesser', password: PASSWORD, invite: code })).code, 'TOO_MANY_ATTEMPTS', 'invite guesses are limited too');
  });

  it('lists devices, revokes one (closing it with 4004 at once), and signs out', async () => {
    server = await startTestServer({ passwordCost });
    const laptop = await TestClient.join(server.url, 'jo', { password: PASSWORD, device: 'laptop' });
    const desktop = await TestClient.join(server.url, 'jo', { password: PASSWORD, device: 'desktop' });
    const terminal = await TestClient.join(server.url, 'jo', { password: PASSWORD, device: 'terminal' });
    laptop.send({ type: 'devices', ref: 'd1' });
    const list = await laptop.next('devices');
    assert.equal(list.ref, 'd1');
    assert.deepEqual(list.devices.map((d) => [d.label, d.current]), [['laptop', true], ['desktop', false], ['terminal', false]]);

    const desktopId = list.devices[1]!.id;
    laptop.send({ type: 'revoke', device: desktopId, ref: 'r1' });
    assert.deepEqual(await laptop.next('revoked'), { type: 'revoked', ref: 'r1', devices: [desktopId] });
    const closed = await desktop.closed;
    assert.deepEqual([closed.code, closed.reason], [4004, 'this device was signed out']);
    assert.equal((await TestClient.refused(server.url, { name: 'jo', token: desktop.welcome.token })).code, 'AUTH_FAILED', 'its token is dead');

    laptop.send({ type: 'revoke', device: 999_999, ref: 'r2' });
    assert.deepEqual((await laptop.next('revoked')).devices, [], 'another account\'s or no device: nothing revoked');
    laptop.send({ type: 'revoke', ref: 'r3' });
    assert.equal((await laptop.next('error')).code, 'BAD_FRAME');

    terminal.send({ type: 'signout', ref: 's1' });
    assert.equal((await terminal.next('revoked')).ref, 's1');
    assert.equal((await terminal.closed).code, 4004);
    await laptop.sync();
    assert.equal(laptop.ws.readyState, laptop.ws.OPEN, 'the others stay');
  });

  it('changes the password with the current one, and sets a first one on a token-only account', async () => {
    server = await startTestServer({ passwordCost });
    const kim = await TestClient.join(server.url, 'kim');
    assert.deepEqual(kim.welcome.account, { admin: false, password: false });
    kim.send({ type: 'password', password: 'short', ref: 'p0' });
    assert.deepEqual([(await kim.next('error')).code], ['BAD_PASSWORD']);
    kim.send({ type: 'password', password: PASSWORD, ref: 'p1' });
    assert.deepEqual(await kim.next('account'), { type: 'account', ref: 'p1', account: { admin: false, password: true } });
    kim.send({ type: 'password', password: 'a newer password', ref: 'p2' });
    assert.deepEqual([(await kim.next('error')).code], ['AUTH_FAILED'], 'now the current password is needed');
    kim.send({ type: 'password', current: PASSWORD, password: 'a newer password', ref: 'p3' });
    assert.equal((await kim.next('account')).ref, 'p3');
    assert.equal((await TestClient.refused(server.url, { name: 'kim', password: PASSWORD })).code, 'AUTH_FAILED');
    await TestClient.join(server.url, 'kim', { password: 'a newer password' });
    assert.equal((await TestClient.refused(server.url, { name: 'kim' })).code, 'AUTH_REQUIRED', 'a name with a password needs it');
  });

  it('limits failed sign-ins per name and address and per address, with TOO_MANY_ATTEMPTS and retryAfterMs', async () => {
    server = await startTestServer({ passwordCost });
    await TestClient.join(server.url, 'lee', { password: PASSWORD });
    const codes: string[] = [];
    for (let i = 0; i < 20; i++) codes.push((await TestClient.refused(server.url, { name: 'lee', password: `wrong guess ${i}` })).code);
    assert.deepEqual(codes.slice(0, 5), Array(5).fill('AUTH_FAILED'));
    assert.deepEqual(codes.slice(5), Array(15).fill('TOO_MANY_ATTEMPTS'));
    const limited = await TestClient.connect(server.url);
    limited.send({ type: 'hello', name: 'LEE', password: PASSWORD });
    const error = await limited.next('error');
    assert.equal(error.code, 'TOO_MANY_ATTEMPTS', 'even the right password waits, whatever the spelling');
    assert.ok(error.retryAfterMs! > 200_000 && error.retryAfterMs! <= 300_000, String(error.retryAfterMs));
    assert.equal((await limited.closed).code, 4001);

    // Twenty failures from one address, at any names, limit that address: lee had five.
    for (const name of ['lee2', 'lee3', 'lee4']) {
      await TestClient.join(server.url, name, { password: PASSWORD });
      for (let i = 0; i < 5; i++) assert.equal((await TestClient.refused(server.url, { name, password: 'wrong password' })).code, 'AUTH_FAILED');
    }
    assert.equal((await TestClient.refused(server.url, { name: 'fresh', password: PASSWORD })).code, 'TOO_MANY_ATTEMPTS');
  });

  it('counts X-Forwarded-For as the address only with trustProxy', async () => {
    server = await startTestServer({ passwordCost, trustProxy: true });
    await TestClient.join(server.url, 'max', { password: PASSWORD });
    const from = (address: string) => ({ headers: { 'x-forwarded-for': `10.9.9.9, ${address}` } });
    for (let i = 0; i < 5; i++) await TestClient.refusedWith(server.url, { name: 'max', password: 'wrong password' }, from('192.0.2.1'));
    assert.equal((await TestClient.refusedWith(server.url, { name: 'max', password: 'wrong password' }, from('192.0.2.1'))).code, 'TOO_MANY_ATTEMPTS');
    assert.equal((await TestClient.refusedWith(server.url, { name: 'max', password: 'wrong password' }, from('192.0.2.2'))).code, 'AUTH_FAILED');
  });

  it('with closed registration, nobody registers from a client', async () => {
    server = await startTestServer({ passwordCost, registration: 'closed' });
    assert.equal((await TestClient.refused(server.url, { name: 'frank' })).code, 'AUTH_REQUIRED');
    assert.equal((await TestClient.refused(server.url, { name: 'frank', password: PASSWORD })).code, 'AUTH_FAILED');
  });
});
