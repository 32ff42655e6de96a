import assert from 'node:assert/strict';
import { diffStat, formatDiffStat } from '../../../../client/code-refs/diff-stat';

const RENAME_AND_EDIT = [
  'diff --git a/src/old.ts b/src/new.ts',
  'similarity index 90%',
  'rename from src/old.ts',
  'rename to src/new.ts',
  'index 1111111..2222222 100644',
  '--- a/src/old.ts',
  '+++ b/src/new.ts',
  '@@ -1,3 +1,4 @@',
  ' a',
  '-b',
  '+c',
  '+d',
  ' e',
  '',
].join('\n');
const PURE_RENAME = ['diff --git a/x.md b/docs/x.md', 'similarity index 100%', 'rename from x.md', 'rename to docs/x.md', ''].join('\n');
const BINARY = ['diff --git a/img.png b/img.png', 'index 1111111..2222222 100644', 'Binary files a/img.png and b/img.png differ', ''].join('\n');
const NEW_FILE = [
  'diff --git a/new.txt b/new.txt',
  'new file mode 100644',
  'index 0000000..2222222',
  '--- /dev/null',
  '+++ b/new.txt',
  '@@ -0,0 +1,2 @@',
  '+x',
  '+y',
  '\\ No newline at end of file',
  '',
].join('\n');
const DELETED_FILE = [
  'diff --git a/gone.txt b/gone.txt',
  'deleted file mode 100644',
  'index 1111111..0000000',
  '--- a/gone.txt',
  '+++ /dev/null',
  '@@ -1,3 +0,0 @@',
  '-1',
  '-2',
  '-3',
  '',
].join('\n');

describe('code refs: diff --stat', () => {
  it('counts lines per file and in all, for renames, binary, new and deleted files', () => {
    const stat = diffStat(RENAME_AND_EDIT + PURE_RENAME + BINARY + NEW_FILE + DELETED_FILE);
    assert.deepEqual(stat.files, [
      { path: 'src/new.ts', oldPath: 'src/old.ts', added: 2, removed: 1, binary: false, change: 'renamed' },
      { path: 'docs/x.md', oldPath: 'x.md', added: 0, removed: 0, binary: false, change: 'renamed' },
      { path: 'img.png', added: 0, removed: 0, binary: true, change: 'modified' },
      { path: 'new.txt', added: 2, removed: 0, binary: false, change: 'added' },
      { path: 'gone.txt', added: 0, removed: 3, binary: false, change: 'deleted' },
    ]);
    assert.equal(stat.added, 4);
    assert.equal(stat.removed, 4);
  });

  it('reads a diff with CRLF line ends the same, with no "\\r" in names', () => {
    const lf = diffStat(RENAME_AND_EDIT + BINARY + NEW_FILE);
    assert.deepEqual(diffStat((RENAME_AND_EDIT + BINARY + NEW_FILE).replace(/\n/g, '\r\n')), lf);
  });

  it('reads a plain (non-git) unified diff', () => {
    const stat = diffStat(['--- a.txt\t2024-01-01', '+++ a.txt\t2024-01-02', '@@ -1 +1 @@', '-x', '+y', ''].join('\n'));
    assert.deepEqual(stat.files, [{ path: 'a.txt', added: 1, removed: 1, binary: false, change: 'modified' }]);
  });

  it('is empty for text that is not a diff', () => {
    assert.deepEqual(diffStat('hello\nworld\n'), { files: [], added: 0, removed: 0 });
  });

  it('formats like git diff --stat, with the summary git writes', () => {
    assert.equal(
      formatDiffStat(diffStat(RENAME_AND_EDIT + BINARY + DELETED_FILE)),
      [
        ' src/old.ts => src/new.ts |   3 ++-',
        ' img.png                  | Bin',
        ' gone.txt                 |   3 ---',
        ' 3 files changed, 2 insertions(+), 4 deletions(-)',
      ].join('\n'),
    );
    assert.equal(formatDiffStat(diffStat(NEW_FILE)), ' new.txt | 2 ++\n 1 file changed, 2 insertions(+)');
    assert.equal(formatDiffStat(diffStat(BINARY)), ' img.png | Bin\n 1 file changed, 0 insertions(+), 0 deletions(-)');
    assert.equal(formatDiffStat(diffStat(DELETED_FILE)), ' gone.txt | 3 ---\n 1 file changed, 3 deletions(-)');
  });

  it('scales the bars to the width and shortens long names from the front', () => {
    const many = ['--- a/f.txt', '+++ b/f.txt', `@@ -1,0 +1,200 @@`, ...Array.from({ length: 200 }, (_, i) => `+${i}`), ''].join('\n');
    const line = formatDiffStat(diffStat(many), 40).split('\n')[0]!;
    assert.ok(line.length <= 40, line);
    assert.match(line, /^ f\.txt \| 200 \++$/);
    const longName = `${'dir/'.repeat(30)}file.ts`;
    const named = formatDiffStat(diffStat(['--- a/' + longName, '+++ b/' + longName, '@@ -1 +1 @@', '-a', '+b', ''].join('\n')));
    assert.match(named, /^ \.\.\.\/?(dir\/)+file\.ts \| 2 \+-/);
    assert.ok(named.split('\n')[0]!.indexOf('|') <= 52);
  });
});
