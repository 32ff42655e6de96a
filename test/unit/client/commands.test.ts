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
});
