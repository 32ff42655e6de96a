import assert from 'node:assert/strict';
import { parseBatchLine, parseCommand } from '../../../client/terminal/commands';

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

  it('in batch mode sends every line as it is, except /msg', () => {
    assert.deepEqual(parseBatchLine('/who'), { kind: 'say', text: '/who' });
    assert.deepEqual(parseBatchLine('//x'), { kind: 'say', text: '//x' });
    assert.deepEqual(parseBatchLine('/msg carol hi'), { kind: 'say', to: 'carol', text: 'hi' });
    assert.deepEqual(parseBatchLine('/message to all'), { kind: 'say', text: '/message to all' });
    assert.equal(parseBatchLine('/msg').kind, 'invalid');
    assert.deepEqual(parseBatchLine(''), { kind: 'empty' });
  });
});
