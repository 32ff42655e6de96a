import assert from 'node:assert/strict';
import { sanitize, truncate, untrustedLine } from '../../../client/untrusted-text';

describe('client: untrusted text', () => {
  it('keeps message text multi-line but replaces every other control character', () => {
    assert.equal(sanitize('a\x1b[2Jb\x07c\u202ed\x9be\tf\r\ng'), 'a\uFFFD[2Jb\uFFFDc\uFFFDd\uFFFDe\tf\ng');
  });

  it('makes a server string one bounded line: 200 code points at most, pairs kept whole', () => {
    assert.equal(untrustedLine('two\nlines\x1b]0;title\x07'), 'two\uFFFDlines\uFFFD]0;title\uFFFD');
    const long = untrustedLine('x'.repeat(1_000_000));
    assert.equal(long.length, 200);
    assert.ok(long.endsWith('…'));
    assert.equal(untrustedLine('😀'.repeat(300)), `${'😀'.repeat(199)}…`);
    assert.equal(untrustedLine('short'), 'short');
    assert.equal(truncate('😀'.repeat(200), 200), '😀'.repeat(200), 'exactly the limit is not cut');
    assert.equal(truncate(`${'😀'.repeat(200)}x`, 200), `${'😀'.repeat(199)}…`);
  });
});
