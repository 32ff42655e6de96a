import assert from 'node:assert/strict';
import { findCodeLinks, LINKS_SCAN_MAX_LENGTH, type CodeLinkTarget } from '../../../../client/code-refs/links';

function targets(text: string): CodeLinkTarget[] {
  return findCodeLinks(text).map((link) => link.target);
}

describe('code refs: links in text', () => {
  it('finds path:line and path:line:column, with offsets into the text', () => {
    const text = 'see src/app/main.ts:42 and lib/x.js:7:13, please';
    const links = findCodeLinks(text);
    assert.deepEqual(links, [
      { start: 4, end: 22, text: 'src/app/main.ts:42', target: { kind: 'file', path: 'src/app/main.ts', line: 42 } },
      { start: 27, end: 40, text: 'lib/x.js:7:13', target: { kind: 'file', path: 'lib/x.js', line: 7, column: 13 } },
    ]);
    for (const link of links) assert.equal(text.slice(link.start, link.end), link.text);
  });

  it('finds Node stack frames, with and without a function name', () => {
    const trace = 'Error: boom\n    at parse (src/parse.ts:10:5)\n    at /home/a/proj/lib/run.js:3:9\n    at async Promise.all (index 0)';
    assert.deepEqual(targets(trace), [
      { kind: 'file', path: 'src/parse.ts', line: 10, column: 5 },
      { kind: 'file', path: '/home/a/proj/lib/run.js', line: 3, column: 9 },
    ]);
  });

  it('finds Python traceback lines', () => {
    const text = 'Traceback (most recent call last):\n  File "app/main.py", line 42, in <module>';
    const links = findCodeLinks(text);
    assert.equal(links.length, 1);
    assert.equal(links[0]!.text, 'File "app/main.py", line 42');
    assert.deepEqual(links[0]!.target, { kind: 'file', path: 'app/main.py', line: 42 });
  });

  it('finds compiler positions file.ts(42,7) and file.ts(42)', () => {
    assert.deepEqual(targets('src/a.ts(42,7): error TS2322 and b.cs(3)'), [
      { kind: 'file', path: 'src/a.ts', line: 42, column: 7 },
      { kind: 'file', path: 'b.cs', line: 3 },
    ]);
  });

  it('takes off surrounding punctuation and a leading ./', () => {
    const links = findCodeLinks('("./src/a.ts:3"), `b.ts:4`. **c.md:5**');
    assert.deepEqual(
      links.map((link) => [link.text, link.target]),
      [
        ['./src/a.ts:3', { kind: 'file', path: 'src/a.ts', line: 3 }],
        ['b.ts:4', { kind: 'file', path: 'b.ts', line: 4 }],
        ['c.md:5', { kind: 'file', path: 'c.md', line: 5 }],
      ],
    );
  });

  it('does not make a bare file name, a time, a URL or line 0 a link', () => {
    assert.deepEqual(targets('open file.ts please'), []);
    assert.deepEqual(targets('meet at 10:30 or 12:45:00'), []);
    assert.deepEqual(targets('note:5 ratio:3'), []);
    assert.deepEqual(targets('https://example.com/src/a.ts:42 and http://host:8080/x'), []);
    assert.deepEqual(targets('a.ts:0 and b.ts(0,1)'), []);
    assert.deepEqual(targets('src/a.ts:42abc'), []);
  });

  it('finds commit ids of 7 to 40 hex digits that have a digit and a letter', () => {
    const full = '0123456789abcdef0123456789abcdef01234567';
    assert.deepEqual(targets(`fixed in abc1234 and ${full}.`), [
      { kind: 'commit', sha: 'abc1234' },
      { kind: 'commit', sha: full },
    ]);
    assert.deepEqual(findCodeLinks('(deadbee1)')[0]!.text, 'deadbee1');
  });

  it('does not take numbers, words, too short or too long hex runs, or hex inside other words for commits', () => {
    assert.deepEqual(targets('1234567 defaced facade abc123 ab12'), []);
    assert.deepEqual(targets('0123456789abcdef0123456789abcdef012345678'), []); // 41 digits
    assert.deepEqual(targets('xabc1234 abc1234x abc1234.ts abc1234-1 ABC1234'), []);
    assert.deepEqual(targets('https://github.com/o/r/commit/abc1234'), []);
  });

  it('keeps links in order when Python frames and other links mix', () => {
    const text = 'abc1234 then File "x.py", line 3 then y.ts:4';
    assert.deepEqual(
      findCodeLinks(text).map((link) => link.text),
      ['abc1234', 'File "x.py", line 3', 'y.ts:4'],
    );
  });

  it('reads a huge text only up to its bound, and quickly', () => {
    const long = `${'word '.repeat(LINKS_SCAN_MAX_LENGTH / 5)}src/late.ts:1`;
    assert.deepEqual(targets(long.slice(-100)), [{ kind: 'file', path: 'src/late.ts', line: 1 }]);
    assert.deepEqual(targets(long), []);
    // Patterns that make a backtracking regex slow: a long run of path characters, many unterminated frames.
    assert.deepEqual(targets('a.'.repeat(9000)), []);
    assert.deepEqual(targets('File "x'.repeat(2500)), []);
    assert.deepEqual(targets(`${'x'.repeat(5000)}:1`), []);
  });
});
