import assert from 'node:assert/strict';
import { createTwoFilesPatch } from 'diff';
import { findSnippet, locateAnchor, mapRangeThroughDiff, pathNow } from '../../../extension/model/range-mapping';

const lines = (count: number, prefix = 'line') => Array.from({ length: count }, (_, i) => `${prefix} ${i + 1}`);
const text = (all: string[]) => `${all.join('\n')}\n`;
const patch = (before: string[], after: string[]) => createTwoFilesPatch('a/f.ts', 'b/f.ts', text(before), text(after));

describe('extension: range mapping', () => {
  describe('mapRangeThroughDiff', () => {
    const before = lines(30);

    it('leaves a range alone when nothing changed, or only below it', () => {
      assert.deepEqual(mapRangeThroughDiff({ startLine: 5, endLine: 7 }, ''), { range: { startLine: 5, endLine: 7 } });
      const after = [...before.slice(0, 25), 'new', ...before.slice(25)];
      assert.deepEqual(mapRangeThroughDiff({ startLine: 5, endLine: 7 }, patch(before, after)), { range: { startLine: 5, endLine: 7 } });
    });

    it('moves a range by the lines hunks above it add and remove, keeping its columns', () => {
      const after = ['a', 'b', 'c', ...before.slice(0, 2), ...before.slice(3)]; // 3 added at the top, line 3 removed
      const mapped = mapRangeThroughDiff({ startLine: 10, endLine: 12, startColumn: 2, endColumn: 5 }, patch(before, after));
      assert.deepEqual(mapped, { range: { startLine: 12, endLine: 14, startColumn: 2, endColumn: 5 } });
    });

    it('moves a range inside a changed hunk whose lines are still there together', () => {
      const after = [...before.slice(0, 9), 'inserted before', ...before.slice(9, 12), 'changed', ...before.slice(13)];
      assert.deepEqual(mapRangeThroughDiff({ startLine: 10, endLine: 12 }, patch(before, after)), { range: { startLine: 11, endLine: 13 } });
    });

    it('finds the range where a hunk moved its lines', () => {
      const after = [...before.slice(0, 4), ...before.slice(8, 10), ...before.slice(4, 8), ...before.slice(10)];
      assert.deepEqual(mapRangeThroughDiff({ startLine: 5, endLine: 6 }, patch(before, after)), { range: { startLine: 7, endLine: 8 } });
    });

    it('is gone when a line of the range was changed or removed, or something was put between its lines', () => {
      const changed = before.map((line, i) => (i === 10 ? 'line 11 edited' : line));
      assert.deepEqual(mapRangeThroughDiff({ startLine: 10, endLine: 12 }, patch(before, changed)), { gone: true });
      const removed = before.filter((_, i) => i !== 11);
      assert.deepEqual(mapRangeThroughDiff({ startLine: 10, endLine: 12 }, patch(before, removed)), { gone: true });
      const split = [...before.slice(0, 10), 'between', ...before.slice(10)];
      assert.deepEqual(mapRangeThroughDiff({ startLine: 10, endLine: 12 }, patch(before, split)), { gone: true });
    });

    it('is gone when the file was deleted', () => {
      const deleted = ['diff --git a/f.ts b/f.ts', 'deleted file mode 100644', '--- a/f.ts', '+++ /dev/null', '@@ -1,2 +0,0 @@', '-a', '-b', ''].join('\n');
      assert.deepEqual(mapRangeThroughDiff({ startLine: 1, endLine: 1 }, deleted), { gone: true });
    });

    it('maps through a diff with CRLF lines and one whose hunks only insert', () => {
      const crlf = (all: string[]) => all.map((line) => `${line}\r\n`).join('');
      const after = ['x', 'y', ...before];
      const diff = createTwoFilesPatch('f.ts', 'f.ts', crlf(before), crlf(after)).replace(/\n/g, '\r\n');
      assert.deepEqual(mapRangeThroughDiff({ startLine: 3, endLine: 4 }, diff), { range: { startLine: 5, endLine: 6 } });
      const insertOnly = ['--- a/f.ts', '+++ b/f.ts', '@@ -5,0 +6,2 @@', '+p', '+q', ''].join('\n');
      assert.deepEqual(mapRangeThroughDiff({ startLine: 5, endLine: 5 }, insertOnly), { range: { startLine: 5, endLine: 5 } });
      assert.deepEqual(mapRangeThroughDiff({ startLine: 6, endLine: 6 }, insertOnly), { range: { startLine: 8, endLine: 8 } });
    });

    it('maps a selection at the end of a file that has no trailing newline', () => {
      const old = 'a\nb\nlast';
      const diff = createTwoFilesPatch('f', 'f', old, 'new first\na\nb\nlast');
      assert.deepEqual(mapRangeThroughDiff({ startLine: 3, endLine: 3 }, diff), { range: { startLine: 4, endLine: 4 } });
      const appended = createTwoFilesPatch('f', 'f', old, `${old}\nmore`);
      // The diff removes and adds "last" (it gains a line end); the same line is still there.
      assert.deepEqual(mapRangeThroughDiff({ startLine: 3, endLine: 3 }, appended), { range: { startLine: 3, endLine: 3 } });
    });
  });

  describe('findSnippet', () => {
    const file = ['function a() {', '  return 1;', '}', '', 'function b() {', '  return 2;', '}', '', 'function a() {', '  return 1;', '}'].join('\n');

    it('finds whole lines, and the occurrence nearest the line given when there are two', () => {
      const snippet = 'function a() {\n  return 1;\n}';
      assert.deepEqual(findSnippet(file, snippet, 2), { startLine: 1, endLine: 3 });
      assert.deepEqual(findSnippet(file, snippet, 8), { startLine: 9, endLine: 11 });
      assert.deepEqual(findSnippet(file, snippet, 5), { startLine: 1, endLine: 3 }, 'a tie goes to the earlier one');
    });

    it('does not care about CRLF against LF or trailing white space', () => {
      assert.deepEqual(findSnippet(file.replace(/\n/g, '\r\n'), 'function b() {\n  return 2;\n}', 1), { startLine: 5, endLine: 7 });
      assert.deepEqual(findSnippet(file, 'function b() {  \r\n  return 2;\t\r\n}\r\n', 1), { startLine: 5, endLine: 7 });
    });

    it('finds code that was re-indented', () => {
      assert.deepEqual(findSnippet(file.replace(/  return 2;/, '    return 2;'), 'function b() {\n  return 2;\n}', 1), { startLine: 5, endLine: 7 });
    });

    it('gives columns for part of a line and for a selection that starts or ends inside lines', () => {
      assert.deepEqual(findSnippet(file, 'return 2', 1), { startLine: 6, endLine: 6, startColumn: 3, endColumn: 11 });
      assert.deepEqual(findSnippet(file, 'b() {\n  return', 1), { startLine: 5, endLine: 6, startColumn: 10, endColumn: 9 });
    });

    it('finds a selection at the end of a file without a trailing newline', () => {
      const noNewline = 'one\ntwo\nthe end';
      assert.deepEqual(findSnippet(noNewline, 'the end', 1), { startLine: 3, endLine: 3 });
      assert.deepEqual(findSnippet(noNewline, 'two\nthe end', 1), { startLine: 2, endLine: 3 });
      assert.deepEqual(findSnippet(`${noNewline}\n`, 'two\nthe end\n', 1), { startLine: 2, endLine: 3 });
    });

    it('is undefined when the code is not there, or the snippet is only white space', () => {
      assert.equal(findSnippet(file, 'function c() {', 1), undefined);
      assert.equal(findSnippet(file, '  \n\n', 1), undefined);
      assert.equal(findSnippet('', 'x', 1), undefined);
    });
  });

  describe('locateAnchor', () => {
    const before = lines(20);
    const snippet = 'line 10\nline 11';
    const anchor = { path: 'src/f.ts', range: { startLine: 10, endLine: 11 }, snippet };
    const renamed = (after: string[]) =>
      [
        'diff --git a/src/f.ts b/src/g.ts',
        'similarity index 90%',
        'rename from src/f.ts',
        'rename to src/g.ts',
        ...createTwoFilesPatch('a/src/f.ts', 'b/src/g.ts', text(before), text(after)).split('\n').slice(2),
      ].join('\n');

    it('is unchanged when neither the diff nor the file moved it', () => {
      assert.deepEqual(locateAnchor(anchor, { diff: '', fileText: text(before) }), { status: 'unchanged', range: anchor.range, path: 'src/f.ts' });
      assert.deepEqual(locateAnchor(anchor, {}), { status: 'unchanged', range: anchor.range, path: 'src/f.ts' });
    });

    it('follows a rename and the lines moved in the renamed file', () => {
      const after = ['new 1', 'new 2', ...before];
      const diff = renamed(after);
      assert.equal(pathNow(diff, 'src/f.ts'), 'src/g.ts');
      assert.equal(pathNow(diff, 'src/other.ts'), 'src/other.ts');
      assert.deepEqual(locateAnchor(anchor, { diff, fileText: text(after) }), { status: 'moved', range: { startLine: 12, endLine: 13 }, path: 'src/g.ts' });
      assert.deepEqual(locateAnchor(anchor, { diff }), { status: 'moved', range: { startLine: 12, endLine: 13 }, path: 'src/g.ts' });
    });

    it('is moved for a pure rename even though the lines stayed', () => {
      const diff = ['diff --git a/src/f.ts b/lib/f.ts', 'similarity index 100%', 'rename from src/f.ts', 'rename to lib/f.ts', ''].join('\n');
      assert.deepEqual(locateAnchor(anchor, { diff, fileText: text(before) }), { status: 'moved', range: anchor.range, path: 'lib/f.ts' });
    });

    it('is gone when the file was deleted', () => {
      const diff = ['diff --git a/src/f.ts b/src/f.ts', 'deleted file mode 100644', '--- a/src/f.ts', '+++ /dev/null', '@@ -1,1 +0,0 @@', '-line 1', ''].join('\n');
      assert.deepEqual(locateAnchor(anchor, { diff }), { status: 'gone' });
      assert.equal(pathNow(diff, 'src/f.ts'), undefined);
    });

    it('looks for the snippet when the diff says the lines changed but they are elsewhere in the file', () => {
      const after = [...before.slice(0, 9), 'line 10 edited', ...before.slice(11), 'line 10', 'line 11'];
      const diff = createTwoFilesPatch('a/src/f.ts', 'b/src/f.ts', text(before), text(after));
      assert.deepEqual(locateAnchor(anchor, { diff, fileText: text(after) }), { status: 'moved', range: { startLine: 20, endLine: 21 }, path: 'src/f.ts' });
    });

    it('checks the diff against the file (a dirty sender), and finds the snippet where it is', () => {
      const after = [...before.slice(0, 2), ...before.slice(9, 11), ...before.slice(2, 9), ...before.slice(11)];
      // An empty diff says "unchanged", but the text says the lines are at 3-4 now.
      assert.deepEqual(locateAnchor(anchor, { diff: '', fileText: text(after) }), { status: 'moved', range: { startLine: 3, endLine: 4 }, path: 'src/f.ts' });
    });

    it('without a diff finds the snippet nearest where it was, CRLF or not', () => {
      const crlf = [...before, ...before].join('\r\n');
      assert.deepEqual(locateAnchor({ ...anchor, range: { startLine: 28, endLine: 29 } }, { fileText: crlf }), {
        status: 'moved',
        range: { startLine: 30, endLine: 31 },
        path: 'src/f.ts',
      });
    });

    it('is gone, with the path, when the file is there but the code is not', () => {
      assert.deepEqual(locateAnchor(anchor, { fileText: 'nothing like it\n' }), { status: 'gone', path: 'src/f.ts' });
    });
  });
});
