/**
 * Where an editor selection is, as a code anchor states it: 1-based lines, inclusive, with
 * columns only when the selection does not cover whole lines. No `vscode` here: positions are
 * VS Code's (0-based line and character), passed in plainly.
 */
import type { CodeRange } from '../../protocol/attachments';

export interface TextPosition {
  line: number;
  character: number;
}

export interface SelectionSpan {
  range: CodeRange;
  /** The text to take as the snippet, 0-based, `end` exclusive (the selection, less a final line break). */
  start: TextPosition;
  end: TextPosition;
}

/**
 * The anchor of a selection from `start` to `end` (in document order), or undefined when it
 * covers nothing but a line break. `lineLength(line)` is that line's length without its break.
 * A selection ending at column 0 of a later line (a triple-click, Shift+Down) ends on the line
 * before: that line is not part of what was meant.
 */
export function selectionSpan(start: TextPosition, end: TextPosition, lineLength: (line: number) => number): SelectionSpan | undefined {
  const last = end.character === 0 && end.line > start.line ? { line: end.line - 1, character: lineLength(end.line - 1) } : end;
  if (last.line === start.line && last.character <= start.character && !(start.character === 0 && lineLength(start.line) === 0)) {
    return undefined;
  }
  const wholeLines = start.character === 0 && last.character === lineLength(last.line);
  // endColumn is the column of the last character selected, so it is also the 0-based end.
  const columns = wholeLines ? {} : { startColumn: start.character + 1, endColumn: Math.max(1, last.character) };
  return { range: { startLine: start.line + 1, endLine: last.line + 1, ...columns }, start, end: last };
}
