import assert from 'node:assert/strict';
import { selectionSpan } from '../../../extension/model/selection-range';
import { fileNameOf, pathInFolder } from '../../../extension/model/workspace-path';

/** A document's lines, for `lineLength`. */
function lines(...text: string[]): (line: number) => number {
  return (line) => {
    const found = text[line];
    if (found === undefined) throw new Error(`no line ${line}`);
    return found.length;
  };
}

const doc = lines('first line', '  second();', '', 'fourth', 'last');

describe('selectionSpan', () => {
  it('gives whole lines without columns, a selection ending at column 0 of the next line ending on the line before', () => {
    // Lines 2 to 4 by triple-click / Shift+Down: the selection ends at (4, 0).
    const span = selectionSpan({ line: 1, character: 0 }, { line: 4, character: 0 }, doc);
    assert.deepEqual(span?.range, { startLine: 2, endLine: 4 });
    assert.deepEqual(span?.end, { line: 3, character: 6 }, 'the snippet stops before the last line break');
  });

  it('gives whole lines when the selection runs from column 0 to the end of a line', () => {
    assert.deepEqual(selectionSpan({ line: 0, character: 0 }, { line: 1, character: 11 }, doc)?.range, { startLine: 1, endLine: 2 });
    // The last line of the file has no line break to end on.
    assert.deepEqual(selectionSpan({ line: 3, character: 0 }, { line: 4, character: 4 }, doc)?.range, { startLine: 4, endLine: 5 });
  });

  it('gives 1-based inclusive columns for part of a line', () => {
    // "second" in "  second();": characters 2..7, 0-based, end exclusive at 8.
    assert.deepEqual(selectionSpan({ line: 1, character: 2 }, { line: 1, character: 8 }, doc)?.range, {
      startLine: 2,
      endLine: 2,
      startColumn: 3,
      endColumn: 8,
    });
  });

  it('gives columns across lines, with the last line break taken off the end', () => {
    const span = selectionSpan({ line: 0, character: 6 }, { line: 2, character: 0 }, doc);
    assert.deepEqual(span?.range, { startLine: 1, endLine: 2, startColumn: 7, endColumn: 11 });
    assert.deepEqual(span?.end, { line: 1, character: 11 });
  });

  it('keeps an empty line selected with its line break as that one line', () => {
    assert.deepEqual(selectionSpan({ line: 2, character: 0 }, { line: 3, character: 0 }, doc)?.range, { startLine: 3, endLine: 3 });
  });

  it('is undefined for a selection of nothing but a line break', () => {
    assert.equal(selectionSpan({ line: 0, character: 10 }, { line: 1, character: 0 }, doc), undefined);
  });
});

describe('pathInFolder', () => {
  it("names a file inside its folder with `/` separators, whatever the OS (URI paths)", () => {
    assert.equal(pathInFolder('/home/ann/repo', '/home/ann/repo/src/a.ts'), 'src/a.ts');
    assert.equal(pathInFolder('/home/ann/repo/', '/home/ann/repo/a.ts'), 'a.ts');
    assert.equal(pathInFolder('/c:/Work/Repo', '/C:/Work/Repo/src/b.ts'), 'src/b.ts', 'a drive letter in another case');
  });

  it('is undefined outside the folder, for the folder itself and for a sibling with the same prefix', () => {
    assert.equal(pathInFolder('/home/ann/repo', '/home/ann/other/a.ts'), undefined);
    assert.equal(pathInFolder('/home/ann/repo', '/home/ann/repo'), undefined);
    assert.equal(pathInFolder('/home/ann/repo', '/home/ann/repo-2/a.ts'), undefined);
  });

  it("gives a file outside every folder its name", () => {
    assert.equal(fileNameOf('/tmp/scratch/notes.md'), 'notes.md');
    assert.equal(fileNameOf('Untitled-1'), 'Untitled-1');
  });
});
