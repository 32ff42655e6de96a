import assert from 'node:assert/strict';
import {
  channelNameFrom,
  lengthCounter,
  suggestUserName,
  validateMessageText,
  validateUserName,
} from '../../../extension/model/validation';

describe('input validation', () => {
  it('accepts names the protocol accepts', () => {
    assert.equal(validateUserName('alice.b-c_1'), undefined);
    assert.match(validateUserName('x'.repeat(33)) ?? '', /^This name has 33 characters: a name is 1 to 32/);
    assert.match(validateUserName('') ?? '', /^Enter a name: a name is 1 to 32/);
  });

  it('names the first character a name cannot hold, and where it is', () => {
    assert.match(validateUserName('al ice') ?? '', /^A space \(character 3\) cannot be in a name: a name is 1 to 32/);
    assert.match(validateUserName('zoë') ?? '', /^"ë" \(U\+00EB\) \(character 3\) cannot be in a name/);
    // Counted in characters, not UTF-16 units; an invisible one is named by its code point.
    assert.match(validateUserName('😀a\u200Bb') ?? '', /^"😀" \(U\+1F600\) \(character 1\)/);
    assert.match(validateUserName('a\u200Bb') ?? '', /^U\+200B \(character 2\) cannot be in a name/);
  });

  it('suggests a valid name from the OS user name', () => {
    assert.equal(suggestUserName('Jean Dupré'), 'JeanDupr');
    assert.equal(suggestUserName('日本'), 'user');
    assert.equal(validateUserName(suggestUserName('a'.repeat(50))), undefined);
  });

  it('refuses empty and too long messages, counting code points', () => {
    assert.match(validateMessageText('  \n ') ?? '', /Type a message/);
    assert.equal(validateMessageText('😀'.repeat(4000)), undefined);
    assert.match(validateMessageText('😀'.repeat(4001)) ?? '', /limited to 4,000 characters; this one has 4,001/);
  });

  it('counts towards the limit once a message nears it, in code points', () => {
    assert.equal(lengthCounter('a'.repeat(3499)), undefined);
    assert.deepEqual(lengthCounter('a'.repeat(3500)), { text: '3,500 / 4,000', over: false });
    assert.deepEqual(lengthCounter('😀'.repeat(3612)), { text: '3,612 / 4,000', over: false });
    assert.deepEqual(lengthCounter('😀'.repeat(4000)), { text: '4,000 / 4,000', over: false });
    assert.deepEqual(lengthCounter('😀'.repeat(4001)), { text: '4,001 / 4,000', over: true });
  });
});

describe('channelNameFrom (Create Channel, checked as it is typed)', () => {
  it('takes a name by the channel rule, a leading # dropped', () => {
    assert.deepEqual(channelNameFrom('build'), { value: 'build' });
    assert.deepEqual(channelNameFrom(' #team-ops_2 '), { value: 'team-ops_2' });
  });

  it('says what is wrong with anything else', () => {
    assert.deepEqual(channelNameFrom(''), { problem: 'Enter a name for the channel' });
    assert.match((channelNameFrom('Build') as { problem: string }).problem, /^Lower-case only/);
    assert.match((channelNameFrom('x'.repeat(33)) as { problem: string }).problem, /^At most 32 characters/);
    assert.match((channelNameFrom('a b') as { problem: string }).problem, /^A channel name is 1 to 32 lower-case letters/);
  });
});
