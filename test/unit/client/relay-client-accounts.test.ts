import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { RelayError } from '../../../client/relay-client';
import { openSqliteBackend, type RelayServer } from '../../../server';
import { PasswordHasher } from '../../../server/identity/passwords';
import { startTestServer } from '../../support/server';
import { ClientPool, delay, makeClient, nextEvent, online, SocketControl } from './helpers';

/** Cheap scrypt for tests. */
const passwordCost = { N: 1024, r: 8, p: 1 };
const PASSWORD = 'correct horse battery';
const NO_RECONNECT_WINDOW_MS = 300;

describe('client: RelayClient with accounts', () => {
  let server: RelayServer;
  const pool = new ClientPool(() => server.url);
  const client = pool.client;

  beforeEach(async () => {
    server = await startTestServer({ passwordCost });
  });
  afterEach(async () => {
    await pool.closeAll();
    await server.close();
  });

  it('signs in with a password and device label once, then reconnects with the token alone', async () => {
    const control = new SocketControl();
    const alice = await online(client('alice', { password: PASSWORD, device: `laptop ${'x'.repeat(100)}`, createSocket: control.create }));
    const [firstHello] = control.sent;
    assert.equal(firstHello?.password, PASSWORD);
    assert.equal((firstHello?.device as string).length, 64, 'the label is cut to what the protocol allows');
    assert.ok(alice.session, 'the token is kept');
    assert.deepEqual(alice.accountState, { admin: false, password: true });

    control.cut();
    await nextEvent(alice, 'welcome');
    const secondHello = control.sent.filter((frame) => frame.type === 'hello')[1];
    assert.equal(secondHello?.password, undefined, 'the password is not sent again');
    assert.equal(secondHello?.token, alice.session);
    assert.equal(secondHello?.session, undefined, 'a server that issues tokens gets the token as token');
  });

  it('stops at a refused sign-in with its code, and signIn() connects again with a password', async () => {
    await (await online(client('bob', { password: PASSWORD }))).close();
    const control = new SocketControl();
    const again = client('bob', { createSocket: control.create });
    const refused = nextEvent(again, 'refused');
    const closed = nextEvent(again, 'state', (state) => state === 'closed');
    const queued = again.send('queued before the sign-in');
    again.connect();
    assert.equal((await refused)[0], 'AUTH_REQUIRED');
    await closed;
    await delay(NO_RECONNECT_WINDOW_MS);
    assert.equal(control.sockets.length, 1, 'no reconnect after a refusal');
    const welcomed = nextEvent(again, 'welcome');
    again.signIn(PASSWORD);
    await welcomed;
    await nextEvent(again, 'sent', (message) => message.id === queued.id);

    for (let i = 0; i < 5; i++) {
      const wrong = client('bob', { password: `wrong guess ${i}` });
      const refusal = nextEvent(wrong, 'refused');
      wrong.connect();
      assert.equal((await refusal)[0], 'AUTH_FAILED');
    }
    const limited = client('bob', { password: PASSWORD });
    const refusal = nextEvent(limited, 'refused');
    limited.connect();
    const [code, , detail] = await refusal;
    assert.equal(code, 'TOO_MANY_ATTEMPTS');
    assert.ok(detail.retryAfterMs !== undefined && detail.retryAfterMs > 0, String(detail.retryAfterMs));
  });

  it('changes the password, lists and revokes devices, and signs out for good', async () => {
    const laptop = await online(client('carol', { device: 'laptop' }));
    assert.deepEqual((await laptop.changePassword(undefined, PASSWORD)).account, { admin: false, password: true });
    await assert.rejects(laptop.changePassword('not the password', 'another password'), (error: RelayError) => error.code === 'AUTH_FAILED');
    await assert.rejects(laptop.changePassword(PASSWORD, 'short'), (error: RelayError) => error.code === 'BAD_PASSWORD');
    await laptop.changePassword(PASSWORD, 'a newer password');

    const desktop = await online(client('carol', { password: 'a newer password', device: 'desktop' }));
    const { devices } = await laptop.listDevices();
    assert.deepEqual(devices.map((d) => [d.label, d.current]), [['laptop', true], ['desktop', false]]);
    const desktopClosed = nextEvent(desktop, 'state', (state) => state === 'closed');
    assert.deepEqual((await laptop.revokeDevice(devices[1]!.id)).devices, [devices[1]!.id]);
    assert.match((await desktopClosed)[1]?.error ?? '', /signed out/);

    const control = new SocketControl();
    const terminal = await online(client('carol', { password: 'a newer password', createSocket: control.create }));
    const states: Array<string | undefined> = [];
    terminal.on('state', (state, detail) => states.push(`${state} ${detail?.error ?? ''}`.trim()));
    assert.equal((await terminal.signOut()).type, 'revoked');
    await nextEvent(terminal, 'state', (state) => state === 'closed').catch(() => undefined);
    await delay(NO_RECONNECT_WINDOW_MS);
    assert.deepEqual(states, ['closed'], 'closed as asked, with no error and no reconnect');
    assert.equal(terminal.session, undefined, 'the dead token is forgotten');
    assert.equal(control.sockets.length, 1);
    await assert.rejects(terminal.listDevices(), (error: RelayError) => error.code === 'CLOSED');
  });

  it('lets an admin disable and enable a user with setUserDisabled; the disabled user is refused with ACCOUNT_DISABLED', async () => {
    await server.close();
    const storage = openSqliteBackend();
    server = await startTestServer({ passwordCost, storage });
    await storage.identity.createAccount('root', await new PasswordHasher(passwordCost).hash(PASSWORD), true);
    const root = await online(client('root', { password: PASSWORD }));
    const bo = await online(client('bo', { password: PASSWORD }));
    const carol = await online(client('carol'));

    const boClosed = nextEvent(bo, 'state', (state) => state === 'closed');
    const disabled = await root.setUserDisabled('BO', true);
    assert.deepEqual([disabled.type, disabled.name, disabled.disabled], ['user', 'bo', true]);
    assert.match((await boClosed)[1]?.error ?? '', /this account was disabled/);
    const again = client('bo', { password: PASSWORD });
    const refused = nextEvent(again, 'refused');
    again.connect();
    assert.equal((await refused)[0], 'ACCOUNT_DISABLED');

    const rejectsWith = (request: Promise<unknown>, code: string) => assert.rejects(request, (error: RelayError) => error.code === code);
    await rejectsWith(carol.setUserDisabled('bo', false), 'FORBIDDEN');
    await rejectsWith(root.setUserDisabled('root', true), 'BAD_REQUEST');
    await rejectsWith(root.setUserDisabled('ghost', true), 'UNKNOWN_USER');
    await rejectsWith(root.setUserDisabled('no such name!', true), 'UNKNOWN_USER');

    assert.equal((await root.setUserDisabled('bo', false)).disabled, false);
    await online(client('bo', { password: PASSWORD }));
  });
});

describe('client: RelayClient account requests against a scripted server', () => {
  let wss: WebSocketServer;
  let url: string;
  const pool = new ClientPool();

  beforeEach(async () => {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => wss.once('listening', resolve));
    url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await pool.closeAll();
    for (const socket of wss.clients) socket.terminate();
    await new Promise((resolve) => wss.close(resolve));
  });

  it('matches replies by ref, not by order, and rejects an error with its code', async () => {
    const welcome = { type: 'welcome', name: 'dan', session: 't', token: 't', users: ['dan'], messages: [], seq: 0 };
    const device = (label: string) => ({ id: 1, label, createdAt: 1, lastSeenAt: 1, current: true });
    wss.on('connection', (socket) => {
      const held: Array<{ ref: string }> = [];
      socket.on('message', (data: Buffer) => {
        const frame = JSON.parse(data.toString());
        if (frame.type === 'hello') return socket.send(JSON.stringify(welcome));
        held.push(frame);
        if (held.length < 3) return;
        // Answered newest first: only the refs tell which reply is whose.
        const [first, second, third] = held as [{ ref: string }, { ref: string }, { ref: string }];
        socket.send(JSON.stringify({ type: 'error', ref: third.ref, code: 'AUTH_FAILED', message: 'wrong password' }));
        socket.send(JSON.stringify({ type: 'devices', ref: second.ref, devices: [device('second')] }));
        socket.send(JSON.stringify({ type: 'devices', ref: first.ref, devices: [device('first')] }));
      });
    });
    const dan = makeClient(url, 'dan');
    pool.track(dan);
    await online(dan);
    const first = dan.listDevices();
    const second = dan.listDevices();
    const third = dan.changePassword('old password', 'new password');
    assert.equal((await first).devices[0]?.label, 'first');
    assert.equal((await second).devices[0]?.label, 'second');
    await assert.rejects(third, (error: RelayError) => error instanceof RelayError && error.code === 'AUTH_FAILED');
  });

  it('sends the secret as a v1 session to a server that issues no token, and rejects requests it does not know', async () => {
    const hellos: Array<Record<string, unknown>> = [];
    wss.on('connection', (socket) => {
      socket.on('message', (data: Buffer) => {
        const frame = JSON.parse(data.toString());
        if (frame.type === 'hello') {
          hellos.push(frame);
          socket.send(JSON.stringify({ type: 'welcome', name: 'eve', session: 'old-style', users: ['eve'], messages: [], seq: 0 }));
          if (hellos.length === 1) socket.close(1001, 'restart');
        } else {
          socket.send(JSON.stringify({ type: 'error', code: 'BAD_FRAME', message: 'unknown type' }));
        }
      });
    });
    const eve = makeClient(url, 'eve');
    pool.track(eve);
    eve.connect();
    await nextEvent(eve, 'welcome');
    await nextEvent(eve, 'welcome');
    assert.deepEqual([hellos[1]?.session, hellos[1]?.token], ['old-style', undefined]);
    await assert.rejects(eve.listDevices(), (error: RelayError) => error.code === 'BAD_FRAME');
  });
});
