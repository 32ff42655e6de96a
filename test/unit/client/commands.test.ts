import assert from 'node:assert/strict';
import { COMMAND_HELP, parseCommand } from '../../../client/terminal/commands';

describe('client: terminal commands', () => {
  it('sends plain lines to the group and /msg lines privately, keeping the text as typed', () => {
    assert.deepEqual(parseCommand('hello there '), { kind: 'say', text: 'hello there ' });
    assert.deepEqual(parseCommand('/msg bob  two  spaces'), { kind: 'say', to: 'bob', text: ' two  spaces' });
    assert.deepEqual(parseCommand('/MSG bob hi'), { kind: 'say', to: 'bob', text: 'hi' });
    assert.deepEqual(parseCommand('//not a command'), { kind: 'say', text: '/not a command' });
  });

  it('knows /who, /help, /quit and /exit', () => {
    assert.deepEqual(parseCommand('/who'), { kind: 'who' });
    assert.deepEqual(parseCommand('/help'), { kind: 'help' });
    assert.deepEqual(parseCommand('/quit'), { kind: 'quit' });
    assert.deepEqual(parseCommand('/exit'), { kind: 'quit' });
    assert.deepEqual(parseCommand('   '), { kind: 'empty' });
  });

  it('explains unknown commands and incomplete /msg', () => {
    const unknown = parseCommand('/frobnicate now');
    assert.equal(unknown.kind, 'invalid');
    assert.match(unknown.kind === 'invalid' ? unknown.message : '', /unknown command \/frobnicate: type \/help/);
    assert.deepEqual(parseCommand('/msg'), { kind: 'invalid', message: 'usage: /msg NAME text (the name is missing)' });
    assert.deepEqual(parseCommand('/msg bob'), { kind: 'invalid', message: 'usage: /msg NAME text (the message is missing)' });
    assert.deepEqual(parseCommand('/msg bob   '), { kind: 'invalid', message: 'usage: /msg NAME text (the message is missing)' });
    const badName = parseCommand('/msg b@d hi');
    assert.match(badName.kind === 'invalid' ? badName.message : '', /"b@d" is not a name/);
  });

  it('refuses a message over 4000 code points before it is sent, counting code points, not UTF-16 units', () => {
    assert.deepEqual(parseCommand('x'.repeat(4000)), { kind: 'say', text: 'x'.repeat(4000) });
    assert.deepEqual(parseCommand('😀'.repeat(4000)), { kind: 'say', text: '😀'.repeat(4000) });
    const tooLong = parseCommand('x'.repeat(4001));
    assert.deepEqual(tooLong, { kind: 'invalid', message: 'the message is 4001 characters long; the limit is 4000, so it was not sent' });
    assert.equal(parseCommand(`/msg bob ${'y'.repeat(4001)}`).kind, 'invalid');
    assert.equal(parseCommand(`//${'y'.repeat(4000)}`).kind, 'invalid', 'the text is "/" and 4000 more');
  });

  it('knows the account commands /passwd, /devices and /revoke ID|all', () => {
    assert.deepEqual(parseCommand('/passwd'), { kind: 'passwd' });
    assert.deepEqual(parseCommand('/devices'), { kind: 'devices' });
    assert.deepEqual(parseCommand('/revoke 12'), { kind: 'revoke', device: 12 });
    assert.deepEqual(parseCommand('/REVOKE  All '), { kind: 'revoke', device: 'all' });
    for (const bad of ['/revoke', '/revoke 0', '/revoke -1', '/revoke 1.5', '/revoke 2 3', `/revoke ${'9'.repeat(16)}`]) {
      assert.deepEqual(parseCommand(bad), { kind: 'invalid', message: 'usage: /revoke ID|all (the IDs are in /devices)' }, bad);
    }
    assert.match(COMMAND_HELP, /\/passwd[\s\S]*\/devices[\s\S]*\/revoke ID\|all/);
  });

  it('knows the admin commands /disable NAME and /enable NAME', () => {
    assert.deepEqual(parseCommand('/disable bob'), { kind: 'disable', name: 'bob' });
    assert.deepEqual(parseCommand('/ENABLE  Bob.2 '), { kind: 'enable', name: 'Bob.2' });
    for (const bad of ['/disable', '/disable two names', '/enable é']) {
      assert.match((parseCommand(bad) as { message: string }).message, /^usage: \/(disable|enable) NAME/, bad);
    }
    assert.match(COMMAND_HELP, /\/disable NAME[\s\S]*\/enable NAME/);
  });

  it('reads #channel text as a post to that channel, #channel alone as a switch, and ## as text starting with #', () => {
    assert.deepEqual(parseCommand('#build  is green'), { kind: 'say', channel: 'build', text: ' is green' });
    assert.deepEqual(parseCommand('#build'), { kind: 'switch', conversation: { kind: 'channel', channel: 'build' } });
    assert.deepEqual(parseCommand('#build   '), { kind: 'switch', conversation: { kind: 'channel', channel: 'build' } });
    assert.deepEqual(parseCommand('##1 priority'), { kind: 'say', text: '#1 priority' });
    assert.deepEqual(parseCommand('# heading'), { kind: 'say', text: '# heading' });
    assert.deepEqual(parseCommand('see #build'), { kind: 'say', text: 'see #build' });
    assert.equal(parseCommand(`#build ${'y'.repeat(4001)}`).kind, 'invalid');
  });

  it('knows the channel commands, with or without the # where only a channel can be meant', () => {
    assert.deepEqual(parseCommand('/join #ops'), { kind: 'join', channel: 'ops' });
    assert.deepEqual(parseCommand('/JOIN ops'), { kind: 'join', channel: 'ops' });
    assert.deepEqual(parseCommand('/leave'), { kind: 'leave' });
    assert.deepEqual(parseCommand('/leave #ops'), { kind: 'leave', channel: 'ops' });
    assert.deepEqual(parseCommand('/channels'), { kind: 'channels' });
    assert.deepEqual(parseCommand('/create #ops'), { kind: 'create', channel: 'ops', private: false });
    assert.deepEqual(parseCommand('/create #ops --private pager  duty'), { kind: 'create', channel: 'ops', private: true, topic: 'pager  duty' });
    assert.deepEqual(parseCommand('/create #ops all about --private'), { kind: 'create', channel: 'ops', private: false, topic: 'all about --private' });
    assert.deepEqual(parseCommand('/topic'), { kind: 'topic' });
    assert.deepEqual(parseCommand('/topic #ops'), { kind: 'topic', channel: 'ops' });
    assert.deepEqual(parseCommand('/topic #ops on call'), { kind: 'topic', channel: 'ops', topic: 'on call' });
    assert.deepEqual(parseCommand('/topic on call'), { kind: 'topic', topic: 'on call' });
    assert.deepEqual(parseCommand('/invite #ops bob'), { kind: 'invite', channel: 'ops', name: 'bob' });
    assert.deepEqual(parseCommand('/members'), { kind: 'members' });
    assert.deepEqual(parseCommand('/members #ops'), { kind: 'members', channel: 'ops' });
    assert.deepEqual(parseCommand('/rename #ops #oncall'), { kind: 'rename', channel: 'ops', name: 'oncall' });
    assert.deepEqual(parseCommand('/archive'), { kind: 'archive' });
    assert.deepEqual(parseCommand('/archive #ops'), { kind: 'archive', channel: 'ops' });
    assert.match((parseCommand('/rename #ops') as { message: string }).message, /^usage: \/rename #channel #new-name/);
    assert.deepEqual(parseCommand('/switch @Bob'), { kind: 'switch', conversation: { kind: 'direct', with: 'Bob' } });
    assert.deepEqual(parseCommand('/switch #ops'), { kind: 'switch', conversation: { kind: 'channel', channel: 'ops' } });
    for (const [bad, usage] of [
      ['/join', /^usage: \/join #channel/],
      ['/join #a #b', /^usage: \/join #channel/],
      ['/invite #ops', /^usage: \/invite #channel NAME/],
      ['/invite #ops b@d', /"b@d" is not a name/],
      ['/switch', /^usage: \/switch/],
      ['/switch @no/name', /^usage: \/switch/],
      ['/create', /^usage: \/create #channel/],
    ] as const) {
      const command = parseCommand(bad);
      assert.match(command.kind === 'invalid' ? command.message : `not refused: ${command.kind}`, usage, bad);
    }
    assert.match(COMMAND_HELP, /#channel text[\s\S]*\/switch[\s\S]*\/channels[\s\S]*\/join[\s\S]*\/leave[\s\S]*\/create[\s\S]*\/topic[\s\S]*\/invite[\s\S]*\/members[\s\S]*##/);
  });
});
