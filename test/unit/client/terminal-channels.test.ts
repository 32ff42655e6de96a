import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import type { RelayClient } from '../../../client/relay-client';
import { runBatch } from '../../../client/terminal/batch';
import { EXIT } from '../../../client/terminal/exit-codes';
import { FakeChannelServer } from './fake-channel-server';
import { onTerminal, type FakeTerminal } from './fake-terminal';
import { startTestServer } from '../../support/server';
import { ClientPool, makeClient, nextEvent, online, until } from './helpers';

describe('client: terminal client with channels (protocol 2)', function () {
  this.timeout(15_000);
  let server: FakeChannelServer;
  const pool = new ClientPool();
  const client = (name: string): RelayClient => {
    const created = makeClient(server.url, name, { protocol: 2 });
    pool.track(created);
    return created;
  };
  /** Types a line and waits until the screen shows `expected`. */
  const enter = async (term: FakeTerminal, line: string, expected: string | RegExp): Promise<void> => {
    term.type(`${line}\r`);
    await until(() => (typeof expected === 'string' ? term.screen().includes(expected) : expected.test(term.screen())), `"${line}" shows ${String(expected)}`);
  };

  beforeEach(async () => {
    server = await FakeChannelServer.start();
    server.addChannel('build', 'CI', false, 'bob', ['bob', 'carol']);
    server.addChannel('random', '', false, 'bob', ['bob']);
  });
  afterEach(async () => {
    await pool.closeAll();
    await server.close();
  });

  it('talks in a current conversation shown by the prompt, posts to #c without switching, and marks mentions', async () => {
    const bob = await online(client('bob'));
    const carol = client('carol');
    const term = onTerminal(carol);
    await nextEvent(carol, 'welcome');
    await until(() => term.screen().endsWith('#general> '), 'the prompt shows #general');
    assert.equal(server.sent.find((frame) => frame.type === 'hello' && frame.name === 'carol')?.protocol, 2);

    const inGeneral = nextEvent(bob, 'message', (m) => m.text === 'hello all');
    await enter(term, 'hello all', /\[\d\d:\d\d\] #general you: hello all/);
    assert.equal((await inGeneral)[0].channel, 'general');

    bob.send('@carol red again', { kind: 'channel', channel: 'build' });
    await until(() => /\[\d\d:\d\d\] ! #build bob: @carol red again/.test(term.screen()), 'the mention is marked');
    await enter(term, '/channels', /\* #build \(2 members, joined, 1 unread, 1 mention\): CI/);
    assert.match(term.screen(), / {4}#random \(1 member, not joined\)/);

    await enter(term, '#build', 'now talking in #build (topic: CI); 1 unread, 1 mention');
    await until(() => term.screen().endsWith('#build> '), 'the prompt shows #build');
    await until(() => carol.readCounts({ kind: 'channel', channel: 'build' })?.unread === 0, 'switching there reads it');
    assert.ok(server.sent.some((frame) => frame.type === 'read' && frame.channel === 'build'));

    const inBuild = nextEvent(bob, 'message', (m) => m.text === 'fixed it');
    await enter(term, 'fixed it', '#build you: fixed it');
    assert.equal((await inBuild)[0].channel, 'build');
    const elsewhere = nextEvent(bob, 'message', (m) => m.text === 'back soon');
    await enter(term, '#general back soon', '#general you: back soon');
    assert.equal((await elsewhere)[0].channel, 'general');
    assert.ok(term.screen().endsWith('#build> '), 'still in #build');

    bob.send('over here', { kind: 'channel', channel: 'general' });
    await until(() => term.screen().includes('#general bob: over here'), 'a line from elsewhere shows its channel');
    await enter(term, '/switch @bob', 'now talking in @bob');
    assert.match(term.screen(), /unread elsewhere: #general 1 unread/);
    const direct = nextEvent(bob, 'message', (m) => m.text === 'psst');
    await enter(term, 'psst', 'you → bob: psst');
    assert.equal((await direct)[0].to, 'bob');
    assert.ok(term.screen().endsWith('@bob> '));
    term.type('/quit\r');
    assert.equal(await term.exited, 0);
  });

  it('/create, /invite, /members, /topic, /leave, /join; refusals are one line with their code', async () => {
    const bob = await online(client('bob'));
    const carol = client('carol');
    const term = onTerminal(carol);
    await nextEvent(carol, 'welcome');

    await enter(term, '/create #ops --private pager', '* you created #ops (private)');
    await until(() => term.screen().includes('now talking in #ops'), 'switched to the new channel');
    const bobAdded = nextEvent(bob, 'channel', (event) => event.event === 'joined');
    await enter(term, '/invite #ops bob', '* you added bob to #ops');
    await bobAdded;
    await enter(term, '/members', '* #ops: 2 members: bob, carol (you)');
    await enter(term, '/topic on call', '* you set the topic of #ops: on call');
    await enter(term, '/topic', '* #ops: on call');
    await enter(term, '/leave', '* you left #ops');
    await until(() => term.screen().endsWith('#general> '), 'back in #general');

    await enter(term, '/join #random', '* you joined #random');
    await until(() => term.screen().endsWith('#random> '), 'in #random');
    await enter(term, '/join #nope', '! could not join #nope (UNKNOWN_CHANNEL)');
    await enter(term, '/switch #ops', '! you are not in #ops: /join #ops joins a public one');
    await enter(term, '/create #Bad', '! #Bad was not created (BAD_CHANNEL)');
    await enter(term, '#nope hi', 'not sent (UNKNOWN_CHANNEL)');
    term.type('/quit\r');
    assert.equal(await term.exited, 0);

    const elsewhere = client('carol');
    const again = onTerminal(elsewhere, undefined, { channel: 'ops' });
    await until(() => again.screen().includes('! you are not in #ops: talking in #general'), 'a --channel one is not in is refused');
    assert.ok(again.screen().endsWith('#general> '));
    again.type('/quit\r');
    assert.equal(await again.exited, 0);
  });

  it('starts in the --channel it was given, says what is unread elsewhere, and shows no escape sequence from channel names or topics', async () => {
    server.addChannel('general', '', false, 'root', ['bob', 'carol']); // every account is in #general, online or not
    const bob = await online(client('bob'));
    const sent = bob.send('@carol when you are back', { kind: 'channel', channel: 'general' });
    await nextEvent(bob, 'sent', (message) => message === sent);
    const carol = client('carol');
    const term = onTerminal(carol, undefined, { channel: 'build' });
    await nextEvent(carol, 'welcome');
    await until(() => term.screen().endsWith('#build> '), 'the prompt shows #build');
    assert.match(term.screen(), /connected as carol[^\n]*\n[^\n]*\* unread elsewhere: #general 1 unread, 1 mention\n/);
    const evil = { name: 'x\x1b[2Jy', topic: 't\x1b]0;owned\x07', private: false, members: 2 };
    server.push('carol', { type: 'channel', event: 'topic', channel: evil, by: 'b\x1b[31m' });
    server.push('carol', { type: 'message', seq: 99, id: 'e', from: 'bob', channel: 'x\x1b[2Jy', text: 'end', ts: Date.now() });
    await until(() => term.screen().includes('end'), 'the message is shown');
    assert.ok(!term.raw().includes('\x1b[2J') && !term.raw().includes('\x1b]') && !term.raw().includes('\x1b[31m'), JSON.stringify(term.raw()));
    term.type('/quit\r');
    await term.exited;
  });

  it('batch --channel: plain lines go to that channel, #c text to #c; lines print their channel; a lone #c and channel commands are refused', async () => {
    const bob = await online(client('bob'));
    const bot = client('carol');
    const input = new PassThrough();
    const output = new PassThrough();
    const errors = new PassThrough();
    let printed = '';
    let problems = '';
    output.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    errors.on('data', (chunk: Buffer) => (problems += chunk.toString()));
    const exited = runBatch(bot, { input, output, errors }, { channel: 'build' });
    const received: Array<[string, string | undefined]> = [];
    bob.on('message', (message) => received.push([message.text, message.channel]));
    input.write('build is green\n#general deploying\n#build\n/join #random\n');
    await until(() => received.length === 2, 'both posts arrive');
    assert.deepEqual(received, [
      ['build is green', 'build'],
      ['deploying', 'general'],
    ]);
    bob.send('@carol thanks', { kind: 'channel', channel: 'build' });
    await until(() => printed.includes('thanks'), 'the bot prints what arrives');
    assert.match(printed, /^\[\d\d:\d\d\] ! #build bob: @carol thanks\n$/);
    input.end();
    assert.equal(await exited, EXIT.refusedMessage);
    assert.match(problems, /line 3: a line of only #channel switches in interactive mode/);
    assert.match(problems, /line 4: \/join works in interactive mode only/);
  });

  it('/rename and /archive against the real server: the prompt follows the rename and leaves an archived channel', async () => {
    await server.close();
    const real = await startTestServer();
    try {
      const carol = makeClient(real.url, 'carol', { protocol: 2 });
      pool.track(carol);
      const term = onTerminal(carol);
      await nextEvent(carol, 'welcome');
      await enter(term, '/create #build', 'now talking in #build');
      await enter(term, '/rename #build #ci', 'renamed #build to #ci');
      await until(() => term.screen().endsWith('#ci> '), 'the prompt follows the rename');
      await enter(term, '/rename build', '! usage: /rename #channel #new-name');
      term.type('\x15'); // Ctrl+U clears the refused line, which was given back to fix
      await enter(term, '/archive', 'archived #ci: it is read-only now');
      await until(() => term.screen().endsWith('#general> '), 'back in #general');
      assert.deepEqual(carol.channels.map((channel) => channel.name), ['general'], 'the archived channel left the list');
      await enter(term, '#ci still here?', 'not sent (CHANNEL_ARCHIVED)');
      term.type('\x15/quit\r');
      assert.equal(await term.exited, 0);
    } finally {
      await pool.closeAll();
      await real.close();
      server = await FakeChannelServer.start();
    }
  });
});
