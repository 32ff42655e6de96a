import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { RelayClient } from '../../../client/relay-client';
import { openSqliteBackend, type RelayServer } from '../../../server';
import { PasswordHasher } from '../../../server/identity/passwords';
import { startTestServer } from '../../support/server';
import { onTerminal } from './fake-terminal';
import { ClientPool, makeClient, nextEvent, online, SocketControl, until } from './helpers';

describe('client: interactive terminal client', function () {
  this.timeout(15_000);
  let server: RelayServer;
  const pool = new ClientPool(() => server.url);
  const client = pool.client;

  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    await pool.closeAll();
    await server.close();
  });

  it('shows a message as sent only once the server stored it: /msg nobody is refused, not echoed', async () => {
    const carol = client('carol');
    const term = onTerminal(carol);
    await nextEvent(carol, 'welcome');
    term.type('/msg nobody hi\r');
    await until(() => term.screen().includes('not sent (UNKNOWN_USER)'), 'the refusal is shown');
    term.type('hello all\r');
    await until(() => /\[\d\d:\d\d\] #general you: hello all/.test(term.screen()), 'the stored message is shown');
    assert.doesNotMatch(term.screen(), /you → nobody/);
    term.type('/quit\r');
    assert.equal(await term.exited, 0);
  });

  it('refuses a line over 4000 characters before sending it and gives it back to fix', async () => {
    const watcher = await online(client('watcher'));
    const carol = client('carol');
    const term = onTerminal(carol);
    await nextEvent(carol, 'welcome');
    const delivered = nextEvent(watcher, 'message');
    term.type(`${'x'.repeat(4001)}\r`);
    await until(() => term.screen().includes('the message is 4001 characters long'), 'the refusal is shown');
    assert.doesNotMatch(term.screen(), /you: x/);
    // One backspace fixes the line that was given back; Enter sends it.
    term.type('\x7f\r');
    const [message] = await delivered;
    assert.equal(message.text, 'x'.repeat(4000));
    term.type('/quit\r');
    assert.equal(await term.exited, 0);
  });

  it('shows the recipient of /msg as the server spells the name', async () => {
    await online(client('alice'));
    const carol = client('carol');
    const term = onTerminal(carol);
    await nextEvent(carol, 'welcome');
    term.type('/msg ALICE psst\r');
    await until(() => /you → \S+: psst/.test(term.screen()), 'the message is shown');
    assert.match(term.screen(), /you → alice: psst/);
    term.type('/quit\r');
    await term.exited;
  });

  it('says a message is queued while offline and shows it when its ack arrives', async () => {
    const control = new SocketControl();
    const carol = client('carol', { createSocket: control.create, reconnect: { initialDelayMs: 300, maxDelayMs: 300 } });
    const term = onTerminal(carol);
    await nextEvent(carol, 'welcome');
    const offline = nextEvent(carol, 'state', (state) => state === 'offline');
    control.cut();
    await offline;
    term.type('while away\r');
    await until(() => term.screen().includes('is queued'), 'the queue notice');
    assert.doesNotMatch(term.screen(), /you: while away/);
    await until(() => /you: while away/.test(term.screen()), 'the message is shown once stored');
    const screen = term.screen();
    assert.ok(screen.indexOf('reconnected') < screen.indexOf('you: while away'), screen);
    term.type('/quit\r');
    await term.exited;
  });
});

/** How often `text` is on the screen: a prompt asked once more shows once more. */
function count(screen: string, text: string): number {
  return screen.split(text).length - 1;
}

describe('client: interactive terminal client with accounts', function () {
  this.timeout(15_000);
  const PASSWORD = 'correct horse battery';
  let server: RelayServer;
  const pool = new ClientPool(() => server.url);
  const client = pool.client;
  /** Answers the `n`th time `question` is asked, once it is on the screen. */
  const answer = async (term: ReturnType<typeof onTerminal>, question: string, n: number, keys: string): Promise<void> => {
    await until(() => count(term.screen(), question) >= n, `"${question}" is asked (${n})`);
    term.type(keys);
  };

  beforeEach(async () => {
    server = await startTestServer({ passwordCost: { N: 1024, r: 8, p: 1 } });
  });
  afterEach(async () => {
    await pool.closeAll();
    await server.close();
  });

  it('asks for the password without echo when the name needs one, again after a wrong one, and signs in', async () => {
    await (await online(client('dana', { password: PASSWORD }))).close();
    const dana = client('dana');
    const term = onTerminal(dana);
    const question = `Password for dana on ${server.url}: `;
    await answer(term, question, 1, 'not her password\r');
    await answer(term, question, 2, `${PASSWORD}\r`);
    await until(() => term.screen().includes('connected as dana'), 'signed in');
    assert.match(term.screen(), /! wrong name or password \(AUTH_FAILED\)\n/);
    assert.doesNotMatch(term.screen(), /AUTH_REQUIRED/, 'the first question needs no explaining');
    assert.ok(!term.raw().includes(PASSWORD) && !term.raw().includes('not her password'), 'nothing typed is shown');
    term.type('/quit\r');
    assert.equal(await term.exited, 0);
  });

  it('gives up after three wrong passwords with exit 3, and Ctrl+C at the question exits 130', async () => {
    await (await online(client('dana', { password: PASSWORD }))).close();
    const wrong = onTerminal(client('dana'));
    const question = `Password for dana on ${server.url}: `;
    for (let n = 1; n <= 3; n++) await answer(wrong, question, n, `wrong one ${n}\r`);
    assert.equal(await wrong.exited, 3);
    assert.equal(count(wrong.screen(), question), 3);
    assert.match(wrong.screen(), /refused the name "dana" \(AUTH_FAILED\): wrong password, or this device was signed out: sign in again with relay-chat login/);

    const cancelled = onTerminal(client('dana'));
    await answer(cancelled, question, 1, 'half\x03');
    assert.equal(await cancelled.exited, 130);
    assert.match(cancelled.screen(), /! sign-in cancelled/);
  });

  it('/passwd sets a password (typed twice), then changes it given the current one; mistakes are one line, and news waits for the questions', async () => {
    const erin = client('erin');
    const term = onTerminal(erin);
    await nextEvent(erin, 'welcome');
    term.type('/passwd\r');
    await answer(term, 'New password: ', 1, 'first try 1\r');
    await answer(term, 'New password again: ', 1, 'first try 2\r');
    await until(() => term.screen().includes('! password not changed: the two passwords typed differ'), 'the mismatch is shown');
    term.type('/passwd\r');
    await answer(term, 'New password: ', 2, `${PASSWORD}\r`);
    await answer(term, 'New password again: ', 2, `${PASSWORD}\r`);
    await until(() => term.screen().includes('* password set: erin can now sign in on other devices with it'), 'set');
    assert.deepEqual(erin.accountState, { admin: false, password: true });

    const watcher = await online(client('watcher'));
    term.type('/passwd\r');
    await until(() => term.screen().includes('Current password: '), 'the current password is asked for');
    const arrived = nextEvent(erin, 'message', (m) => m.text === 'news while asked');
    watcher.send('news while asked');
    await arrived;
    await answer(term, 'Current password: ', 1, 'not the current one\r');
    assert.doesNotMatch(term.screen(), /news while asked/, 'held while a question is open');
    await answer(term, 'New password: ', 3, 'another password\r');
    await answer(term, 'New password again: ', 3, 'another password\r');
    await until(() => term.screen().includes('! password not changed (AUTH_FAILED): the current password is wrong'), 'refused');
    const screen = term.screen();
    assert.ok(screen.lastIndexOf('New password again: ') < screen.indexOf('watcher: news while asked'), screen);
    assert.ok(!term.raw().includes(PASSWORD) && !term.raw().includes('another password'));

    await (await online(client('erin', { password: PASSWORD }))).close();
    term.type('/quit\r');
    assert.equal(await term.exited, 0);
  });

  it('/devices lists the devices, /revoke ID signs out another, /revoke all ends the session and forgets the token', async () => {
    const laptop = await online(client('fred', { password: PASSWORD, device: 'laptop' }));
    const fred = client('fred', { password: PASSWORD, device: 'terminal' });
    const forgotten: string[] = [];
    const term = onTerminal(fred, (session) => forgotten.push(session));
    await nextEvent(fred, 'welcome');
    const token = fred.session;

    term.type('/devices\r');
    await until(() => term.screen().includes('2 devices signed in as fred:'), 'the list');
    const laptopId = Number(/ (\d+)  "laptop": last seen \d\d:\d\d, signed in \d\d:\d\d\n/.exec(term.screen())?.[1]);
    assert.ok(laptopId > 0, term.screen());
    assert.match(term.screen(), / \d+  "terminal": last seen [^\n]* \(this device\)\n/);

    const laptopClosed = nextEvent(laptop, 'state', (state) => state === 'closed');
    term.type(`/revoke ${laptopId}\r`);
    await until(() => term.screen().includes(`* signed out device ${laptopId} ("laptop")`), 'the other device is signed out');
    await laptopClosed;
    term.type('/revoke 999\r');
    await until(() => term.screen().includes('! you have no device 999: /devices lists them'), 'an unknown id');

    term.type('/revoke all\r');
    assert.equal(await term.exited, 0);
    assert.match(term.screen(), /\* signed out 1 device, this one included; the session ends/);
    assert.doesNotMatch(term.screen(), /disconnected/);
    assert.deepEqual(forgotten, [token]);
  });

  it('/disable NAME disconnects that user for an admin and /enable lets them back; anyone else is refused', async () => {
    await server.close();
    const storage = openSqliteBackend();
    server = await startTestServer({ passwordCost: { N: 1024, r: 8, p: 1 }, storage });
    await storage.identity.createAccount('root', await new PasswordHasher({ N: 1024, r: 8, p: 1 }).hash(PASSWORD), true);
    const hal = await online(client('hal', { password: PASSWORD }));
    const halClosed = nextEvent(hal, 'state', (state) => state === 'closed');
    const root = client('root', { password: PASSWORD });
    const term = onTerminal(root);
    await nextEvent(root, 'welcome');

    term.type('/disable hal\r');
    await until(() => term.screen().includes('* hal is disabled: their devices were disconnected'), 'disabled');
    assert.match((await halClosed)[1]?.error ?? '', /this account was disabled/);
    term.type('/disable nobody\r');
    await until(() => term.screen().includes('! nobody was not disabled (UNKNOWN_USER)'), 'an unknown name');
    term.type('/disable no/name\r');
    await until(() => term.screen().includes('! usage: /disable NAME'), 'not a name');
    term.type('\x15/enable hal\r'); // Ctrl+U clears the refused line, which was given back to fix
    await until(() => term.screen().includes('* hal is enabled'), 'enabled');
    const halAgain = await online(client('hal', { session: hal.session! }));
    assert.equal(halAgain.state, 'online', 'the token hal had works again');

    const ivy = client('ivy');
    const ivyTerm = onTerminal(ivy);
    await nextEvent(ivy, 'welcome');
    ivyTerm.type('/disable hal\r');
    await until(() => ivyTerm.screen().includes('! hal was not disabled (FORBIDDEN)'), 'not an admin');
    assert.equal(halAgain.state, 'online');
    for (const session of [term, ivyTerm]) session.type('/quit\r');
    assert.deepEqual(await Promise.all([term.exited, ivyTerm.exited]), [0, 0]);
  });

  it('/revoke all is refused for an account without a password, which no device could sign in to again', async () => {
    const gus = client('gus');
    const term = onTerminal(gus, () => assert.fail('nothing is forgotten'));
    await nextEvent(gus, 'welcome');
    term.type('/revoke all\r');
    await until(() => term.screen().includes('! not signed out: gus has no password'), 'refused');
    assert.equal(gus.state, 'online');
    term.type('/quit\r');
    assert.equal(await term.exited, 0);
  });
});

describe('client: interactive terminal client against a fake server', () => {
  let wss: WebSocketServer;
  const pool = new ClientPool();
  const fakeClient = (): RelayClient => {
    const created = makeClient(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, 'carol');
    pool.track(created);
    return created;
  };
  beforeEach(async () => {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => wss.once('listening', resolve));
  });
  afterEach(async () => {
    await pool.closeAll();
    for (const socket of wss.clients) socket.terminate();
    await new Promise((resolve) => wss.close(resolve));
  });

  it('dates messages that are not from today, and only those', async () => {
    const now = new Date();
    const earlier = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 2, 14, 5).getTime();
    const today = new Date(now.getFullYear(), now.getMonth(), now.getDate(), 0, 1).getTime();
    const old = { type: 'message', seq: 1, id: 'a', from: 'bob', text: 'old news', ts: earlier };
    const recent = { type: 'message', seq: 2, id: 'b', from: 'bob', text: 'fresh', ts: today };
    wss.on('connection', (socket) =>
      socket.once('message', () =>
        socket.send(JSON.stringify({ type: 'welcome', name: 'carol', session: 's', users: ['carol'], messages: [old, recent], seq: 2 })),
      ),
    );
    const carol = fakeClient();
    const term = onTerminal(carol);
    await until(() => term.screen().includes('fresh'), 'the history is shown');
    const day = new Date(earlier);
    const date = `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}`;
    assert.match(term.screen(), new RegExp(`\\[${date} 14:05\\] #general bob: old news`));
    assert.match(term.screen(), /\[00:01\] #general bob: fresh/);
    term.type('/quit\r');
    await term.exited;
  });

  it('shows no escape sequence a hostile server put in names, errors or texts', async () => {
    const evil = 'ev\x1b[2Jil';
    wss.on('connection', (socket) =>
      socket.once('message', () => {
        socket.send(JSON.stringify({ type: 'welcome', name: evil, session: 's', users: [evil, 'b\x1b]0;x\x07'], messages: [], seq: 0 }));
        socket.send(JSON.stringify({ type: 'presence', name: 'p\x1b[2J', online: true }));
        socket.send(JSON.stringify({ type: 'error', code: 'INTERNAL', message: 'e\x1b[2J' }));
        socket.send(JSON.stringify({ type: 'message', seq: 1, id: 'a', from: 'bob', text: 't\x1b[2J end', ts: Date.now() }));
      }),
    );
    const carol = fakeClient();
    const term = onTerminal(carol);
    await until(() => term.screen().includes('end'), 'the message is shown');
    assert.ok(!term.raw().includes('\x1b[2J') && !term.raw().includes('\x1b]'), JSON.stringify(term.raw()));
    term.type('/quit\r');
    await term.exited;
  });
});
