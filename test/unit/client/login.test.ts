import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { runLogin, type LoginSetup } from '../../../client/terminal/login';
import { openSqliteBackend, type RelayServer } from '../../../server';
import { startTestServer } from '../../support/server';
import { ClientPool, makeClient, online, until } from './helpers';

const PASSWORD = 'correct horse battery';

/** runLogin on a fake terminal: keys typed in, what it prints collected. */
function loginOnTerminal(setup: Omit<LoginSetup, 'remember'>): { type: (keys: string) => void; shown: () => string; saved: string[]; exited: Promise<number> } {
  const input = Object.assign(new PassThrough(), { isTTY: true, isRaw: false, setRawMode: (mode: boolean) => void (input.isRaw = mode) });
  const output = new PassThrough();
  let shown = '';
  output.on('data', (chunk: Buffer) => (shown += chunk.toString()));
  const saved: string[] = [];
  const exited = runLogin(
    { ...setup, remember: (welcome) => (saved.push(JSON.stringify(welcome)), '/config/sessions.json') },
    { input, output, errors: output },
  );
  return { type: (keys) => input.write(keys), shown: () => shown, saved, exited };
}

describe('client: relay-chat login on a terminal', () => {
  let server: RelayServer;
  const pool = new ClientPool();
  /** The invite a registering login uses. */
  let invite: string | undefined;
  const setupFor = (name: string, rest: Partial<LoginSetup> = {}): Omit<LoginSetup, 'remember'> => ({
    name,
    url: server.url,
    registering: false,
    device: 'test box',
    createClient: (password) => {
      const client = makeClient(server.url, name, { password, device: 'test box', ...(rest.registering ? { invite: invite! } : {}) });
      pool.track(client);
      return client;
    },
    ...rest,
  });
  const answer = async (term: ReturnType<typeof loginOnTerminal>, question: string, n: number, keys: string): Promise<void> => {
    await until(() => term.shown().split(question).length - 1 >= n, `"${question}" is asked (${n})`);
    term.type(keys);
  };

  afterEach(async () => {
    await pool.closeAll();
    await server.close();
  });

  it('registering with an invite asks for the new password twice, again when the two differ, and never shows it', async () => {
    const storage = openSqliteBackend();
    server = await startTestServer({ passwordCost: { N: 1024, r: 8, p: 1 }, registration: 'invite', storage });
    invite = (await storage.identity.createInvite(1, Date.now() + 60_000)).code;
    const term = loginOnTerminal(setupFor('gina', { registering: true }));
    const first = `New password for gina on ${server.url}: `;
    await answer(term, first, 1, 'one password\r');
    await answer(term, 'The same password again: ', 1, 'another one\r');
    await answer(term, first, 2, `${PASSWORD}\r`);
    await answer(term, 'The same password again: ', 2, `${PASSWORD}\r`);
    assert.equal(await term.exited, 0, term.shown());
    assert.match(term.shown(), /relay-chat: the two passwords typed differ; try again\n/);
    assert.match(term.shown(), /signed in as gina on .*, as the device "test box"; its token is saved in \/config\/sessions.json\n$/);
    assert.ok(!term.shown().includes(PASSWORD) && !term.shown().includes('one password'));
    assert.equal(term.saved.length, 1);
    assert.ok(!term.saved[0]!.includes(PASSWORD), 'what is saved comes from the welcome, which has no password');
  });

  it('asks again after a wrong password, up to three times, then exits 3; Ctrl+C exits 130', async () => {
    server = await startTestServer({ passwordCost: { N: 1024, r: 8, p: 1 } });
    await (await online(makeClient(server.url, 'dana', { password: PASSWORD }))).close();
    const question = `Password for dana on ${server.url}: `;

    const second = loginOnTerminal(setupFor('dana'));
    await answer(second, question, 1, 'not it at all\r');
    await answer(second, question, 2, `${PASSWORD}\r`);
    assert.equal(await second.exited, 0, second.shown());
    assert.match(second.shown(), /relay-chat: wrong name or password \(AUTH_FAILED\)\n/);

    const wrong = loginOnTerminal(setupFor('dana'));
    for (let n = 1; n <= 3; n++) await answer(wrong, question, n, `wrong ${n} of three\r`);
    assert.equal(await wrong.exited, 3);
    assert.equal(wrong.shown().split(question).length - 1, 3);
    assert.match(wrong.shown(), /\(AUTH_FAILED\): wrong password, or this device was signed out/);

    const cancelled = loginOnTerminal(setupFor('dana'));
    await answer(cancelled, question, 1, '\x03');
    assert.equal(await cancelled.exited, 130);
    assert.match(cancelled.shown(), /relay-chat: login cancelled\n$/);
  });
});
