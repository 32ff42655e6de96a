/**
 * Where the code an anchor points at is now: its line range carried through the diff from the
 * anchor's commit to what the receiver has, or its snippet looked for in the receiver's file.
 * Pure (no `vscode`): the extension reads the files and runs git, and passes the text here.
 */
import type { StructuredPatch, StructuredPatchHunk } from 'diff';
import type { CodeRange } from '../../protocol/attachments';
import { parseUnifiedDiff, patchPaths } from '../../client/code-refs/diff-stat';

export type MappedRange = { range: CodeRange } | { gone: true };

/** A line as compared: without its line end and trailing white space, which editors and git on Windows change. */
function comparable(line: string): string {
  return line.replace(/[ \t\r]+$/, '');
}

/** The new line number of each old line of one hunk (undefined: removed), and the hunk's new side. */
interface HunkLines {
  newOf: Map<number, number | undefined>;
  oldText: Map<number, string>;
  newSide: { line: number; text: string }[];
}

function hunkLines(hunk: StructuredPatchHunk): HunkLines {
  const newOf = new Map<number, number | undefined>();
  const oldText = new Map<number, string>();
  const newSide: { line: number; text: string }[] = [];
  let oldLine = hunk.oldStart;
  let newLine = hunk.newStart;
  for (const line of hunk.lines) {
    const kind = line[0];
    const text = comparable(line.slice(1));
    if (kind === ' ') {
      newOf.set(oldLine, newLine);
      oldText.set(oldLine++, text);
      newSide.push({ line: newLine++, text });
    } else if (kind === '-') {
      newOf.set(oldLine, undefined);
      oldText.set(oldLine++, text);
    } else if (kind === '+') {
      newSide.push({ line: newLine++, text });
    } // "\ No newline at end of file" is not a line
  }
  return { newOf, oldText, newSide };
}

/** For each old line from `start` to `end`: its new line, undefined when removed; and its text when a hunk shows it. */
function mapLines(patch: StructuredPatch, start: number, end: number): { newLine: number | undefined; text: string | undefined }[] {
  const hunks = [...patch.hunks].sort((a, b) => a.oldStart - b.oldStart);
  const result: { newLine: number | undefined; text: string | undefined }[] = [];
  let shift = 0;
  let next = 0;
  let current: { hunk: StructuredPatchHunk; lines: HunkLines } | undefined;
  for (let line = start; line <= end; line++) {
    while (next < hunks.length && hunks[next]!.oldStart + hunks[next]!.oldLines <= line) {
      shift += hunks[next]!.newLines - hunks[next]!.oldLines;
      next++;
    }
    const hunk = hunks[next];
    if (!hunk || line < hunk.oldStart) {
      result.push({ newLine: line + shift, text: undefined });
      continue;
    }
    if (current?.hunk !== hunk) current = { hunk, lines: hunkLines(hunk) };
    result.push({ newLine: current.lines.newOf.get(line), text: current.lines.oldText.get(line) });
  }
  return result;
}

function withLines(range: CodeRange, startLine: number): CodeRange {
  return { ...range, startLine, endLine: startLine + (range.endLine - range.startLine) };
}

/** Where in the hunks' new sides the lines occur together, nearest to `expected`. */
function findInHunks(patch: StructuredPatch, lines: readonly string[], expected: number): number | undefined {
  let best: number | undefined;
  for (const hunk of patch.hunks) {
    const side = hunkLines(hunk).newSide;
    for (let i = 0; i + lines.length <= side.length; i++) {
      if (!lines.every((text, j) => side[i + j]!.text === text)) continue;
      const at = side[i]!.line;
      if (best === undefined || Math.abs(at - expected) < Math.abs(best - expected)) best = at;
    }
  }
  return best;
}

function mapThroughPatch(range: CodeRange, patch: StructuredPatch): MappedRange {
  const paths = patchPaths(patch);
  if (paths.oldPath !== undefined && paths.newPath === undefined) return { gone: true }; // deleted
  const lines = mapLines(patch, range.startLine, range.endLine);
  const first = lines[0]!.newLine;
  if (first !== undefined && lines.every((line, i) => line.newLine === first + i)) return { range: withLines(range, first) };
  // Changed lines in the range: it survives only if its lines are still there, one after the other.
  const texts = lines.map((line) => line.text);
  if (!texts.every((text): text is string => text !== undefined)) return { gone: true };
  const expected = lines.find((line) => line.newLine !== undefined)?.newLine ?? range.startLine;
  const found = findInHunks(patch, texts, expected);
  return found === undefined ? { gone: true } : { range: withLines(range, found) };
}

/**
 * The range after the changes in a unified diff of its file (old side: the anchor's commit).
 * Lines move by what hunks above them add and remove; a range touching changed lines moves if
 * its lines are still there together, else it is gone, as it is when the file was deleted.
 */
export function mapRangeThroughDiff(range: CodeRange, unifiedDiffOfOneFile: string): MappedRange {
  const patch = parseUnifiedDiff(unifiedDiffOfOneFile)[0];
  return patch ? mapThroughPatch(range, patch) : { range };
}

type Matcher = { line: (text: string) => string; partial: boolean };

/** Exactly (but for line ends and trailing white space), then ignoring indentation as well. */
const MATCHERS: Matcher[] = [
  { line: comparable, partial: true },
  { line: (text) => text.trim(), partial: false },
];

function snippetLines(snippet: string, normalise: (text: string) => string): string[] {
  const lines = snippet.split('\n').map(normalise);
  // A selection that ends at the start of a line has an empty last line that is not part of the code.
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** The first column (0-based) at which `lines` start at file line `i`, or -1. */
function matchAt(file: readonly string[], i: number, lines: readonly string[]): number {
  const last = lines.length - 1;
  if (last === 0) return file[i]!.indexOf(lines[0]!);
  if (!file[i]!.endsWith(lines[0]!) || !file[i + last]!.startsWith(lines[last]!)) return -1;
  for (let j = 1; j < last; j++) if (file[i + j] !== lines[j]) return -1;
  return file[i]!.length - lines[0]!.length;
}

/**
 * Where `snippet` is in `fileText`, insensitive to CRLF against LF and to trailing white space
 * (and, failing that, to indentation); the occurrence nearest `nearLine` when there are several.
 * Columns come back when the snippet is part of a line: 1-based, `endColumn` just after its last
 * character, as VS Code's selection end plus one.
 */
export function findSnippet(fileText: string, snippet: string, nearLine: number): CodeRange | undefined {
  for (const matcher of MATCHERS) {
    const lines = snippetLines(snippet, matcher.line);
    if (lines.every((line) => line.trim() === '')) return undefined;
    const file = fileText.split('\n').map(matcher.line);
    let best: { index: number; column: number } | undefined;
    for (let i = 0; i + lines.length <= file.length; i++) {
      const column = matchAt(file, i, lines);
      if (column < 0) continue;
      if (best === undefined || Math.abs(i + 1 - nearLine) < Math.abs(best.index + 1 - nearLine)) best = { index: i, column };
      else if (i + 1 > nearLine) break; // later ones are only further away
    }
    if (!best) continue;
    const startLine = best.index + 1;
    const endLine = startLine + lines.length - 1;
    const lastLength = lines[lines.length - 1]!.length;
    const endColumn = (lines.length === 1 ? best.column : 0) + lastLength + 1;
    const whole = best.column === 0 && endColumn === file[endLine - 1]!.length + 1;
    return matcher.partial && !whole ? { startLine, endLine, startColumn: best.column + 1, endColumn } : { startLine, endLine };
  }
  return undefined;
}

export interface AnchorToLocate {
  path: string;
  range: CodeRange;
  snippet: string;
}

export interface AnchorEvidence {
  /** A unified diff from the anchor's commit to the receiver's files (any number of files, renames detected); absent without that commit. */
  diff?: string;
  /** The receiver's text of the file where the anchor's file is now (see `pathNow`), when it exists. */
  fileText?: string;
}

export interface AnchorLocation {
  status: 'unchanged' | 'moved' | 'gone';
  /** Where the code is now; absent when gone. */
  range?: CodeRange;
  /** The file's path now (after a rename); absent when the file was deleted. */
  path?: string;
}

function patchOf(diff: string, path: string): StructuredPatch | undefined {
  return parseUnifiedDiff(diff).find((patch) => patchPaths(patch).oldPath === path);
}

/** The anchor file's path after the changes in `diff`: renamed, the same, or undefined when deleted. */
export function pathNow(diff: string, path: string): string | undefined {
  const patch = patchOf(diff, path);
  return patch ? patchPaths(patch).newPath : path;
}

function holdsSnippet(fileText: string, range: CodeRange, snippet: string): boolean {
  const found = findSnippet(fileText, snippet, range.startLine);
  return found !== undefined && found.startLine === range.startLine && found.endLine === range.endLine;
}

function located(anchor: AnchorToLocate, range: CodeRange, path: string): AnchorLocation {
  const same = path === anchor.path && range.startLine === anchor.range.startLine && range.endLine === anchor.range.endLine;
  return { status: same ? 'unchanged' : 'moved', range, path };
}

/**
 * Where the anchor's code is now: through the diff when there is one (following a rename), checked
 * against the file's text when given; by the snippet in the file's text otherwise, or when the
 * diff's answer does not hold the snippet (the sender's copy was dirty, or the lines were changed).
 * With no evidence at all, it is taken to be where it was.
 */
export function locateAnchor(anchor: AnchorToLocate, evidence: AnchorEvidence): AnchorLocation {
  let path = anchor.path;
  let mapped: CodeRange | undefined = anchor.range;
  if (evidence.diff !== undefined) {
    const patch = patchOf(evidence.diff, anchor.path);
    if (patch) {
      const newPath = patchPaths(patch).newPath;
      if (newPath === undefined) return { status: 'gone' };
      path = newPath;
      const through = mapThroughPatch(anchor.range, patch);
      mapped = 'range' in through ? through.range : undefined;
    }
  }
  const text = evidence.fileText;
  if (text === undefined) return mapped ? located(anchor, mapped, path) : { status: 'gone', path };
  if (mapped && holdsSnippet(text, mapped, anchor.snippet)) return located(anchor, mapped, path);
  const found = findSnippet(text, anchor.snippet, mapped?.startLine ?? anchor.range.startLine);
  if (found) return located(anchor, found, path);
  return { status: 'gone', path };
}
