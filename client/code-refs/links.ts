/**
 * Places in code that a message's text names, so that clients can make them links: file
 * positions (`src/x.ts:42`, `src/x.ts:42:7`, stack frames `at f (src/x.ts:10:5)`, Python's
 * `File "x.py", line 42`, `x.ts(42,7)` as compilers write it) and commit ids. Only what is found
 * here is a link; whether it opens anything is the client's business (the file must exist).
 *
 * The text is read word by word (runs of non-space characters) and each word is matched with
 * anchored patterns, so the time is linear in the text, which is read only up to a bound.
 */

export type CodeLinkTarget = { kind: 'file'; path: string; line?: number; column?: number } | { kind: 'commit'; sha: string };

export interface CodeLink {
  /** UTF-16 offsets into the text; `end` is exclusive. */
  start: number;
  end: number;
  /** The text that is the link: `text.slice(start, end)`. */
  text: string;
  target: CodeLinkTarget;
}

/** Longer text is only searched this far (a message is at most 4000 code points, 8000 units). */
export const LINKS_SCAN_MAX_LENGTH = 20_000;
/** Words longer than this are not paths anyone typed. */
const WORD_MAX_LENGTH = 1024;
const LINE_NUMBER_MAX = 10_000_000;

const WORD = /\S+/g;
/** What may come before a position in prose or a stack frame: `(src/x.ts:1)`, `"x.ts:1"`, `**x.ts:1**`. */
const LEADING_PUNCTUATION = /^[(\[{<"'`*_]+/;
const TRAILING_PUNCTUATION = '[)\\]}>"\'`*_.,;:!?]*';
const PATH = '[A-Za-z0-9_.~@+/-]+';
/** Groups: the whole position, the path, then line and column after `:`, or in `(line,column)`. */
const FILE_POSITION = new RegExp(`^((${PATH})(?::(\\d{1,8})(?::(\\d{1,8}))?|\\((\\d{1,8})(?:,(\\d{1,8}))?\\)))${TRAILING_PUNCTUATION}$`);
const COMMIT_WORD = new RegExp(`^([0-9a-f]{7,40})${TRAILING_PUNCTUATION}$`);
/** Python tracebacks: `File "src/x.py", line 42`; the quoted name is bounded, so each try is too. */
const PYTHON_FRAME = /File "([^"\n]{1,1024})", line (\d{1,8})/g;
/** A file name with an extension starting with a letter (`x.ts`, `a.d.ts`, `.eslintrc.js`). */
const HAS_EXTENSION = /\.[A-Za-z][A-Za-z0-9_+-]*$/;

/**
 * A name that reads as a file: it has an extension, or it is a path with a letter in it. Times
 * (`10:30`), ratios and bare words (`note:5`) are not files.
 */
function looksLikeFile(path: string): boolean {
  if (path.includes('//') || path.endsWith('/')) return false;
  const name = path.slice(path.lastIndexOf('/') + 1);
  return HAS_EXTENSION.test(name) || (path.includes('/') && /[A-Za-z]/.test(name));
}

function position(value: string | undefined): number | undefined | null {
  if (value === undefined) return undefined;
  const n = Number(value);
  return n >= 1 && n <= LINE_NUMBER_MAX ? n : null;
}

function fileTarget(path: string, lineText: string | undefined, columnText: string | undefined): CodeLinkTarget | undefined {
  const line = position(lineText);
  const column = position(columnText);
  if (line === null || column === null || !looksLikeFile(path)) return undefined;
  return { kind: 'file', path: path.replace(/^(?:\.\/)+/, ''), ...(line !== undefined ? { line } : {}), ...(column !== undefined ? { column } : {}) };
}

/** A commit id needs a digit and a letter: "1234567" is a number and "defaced" a word. */
function isCommitLike(word: string): boolean {
  return /[0-9]/.test(word) && /[a-f]/.test(word);
}

function linkInWord(word: string, offset: number): CodeLink | undefined {
  if (word.length > WORD_MAX_LENGTH || word.includes('://')) return undefined; // URLs are links already
  const lead = LEADING_PUNCTUATION.exec(word)?.[0].length ?? 0;
  const rest = word.slice(lead);
  const file = FILE_POSITION.exec(rest);
  if (file) {
    const whole = file[1]!;
    const target = fileTarget(file[2]!, file[3] ?? file[5], file[4] ?? file[6]);
    return target && { start: offset + lead, end: offset + lead + whole.length, text: whole, target };
  }
  const commit = COMMIT_WORD.exec(rest);
  if (commit && isCommitLike(commit[1]!)) {
    const sha = commit[1]!;
    return { start: offset + lead, end: offset + lead + sha.length, text: sha, target: { kind: 'commit', sha } };
  }
  return undefined;
}

function pythonFrames(text: string): CodeLink[] {
  const links: CodeLink[] = [];
  for (const match of text.matchAll(PYTHON_FRAME)) {
    const path = match[1]!;
    const line = position(match[2]);
    if (typeof line !== 'number' || path.includes('://')) continue;
    links.push({ start: match.index, end: match.index + match[0].length, text: match[0], target: { kind: 'file', path, line } });
  }
  return links;
}

/** The code links in `text`, in order, not overlapping. */
export function findCodeLinks(text: string): CodeLink[] {
  const scanned = text.length > LINKS_SCAN_MAX_LENGTH ? text.slice(0, LINKS_SCAN_MAX_LENGTH) : text;
  const python = pythonFrames(scanned);
  const links: CodeLink[] = [];
  let next = 0; // the first Python frame not yet passed; words and frames both come in order
  for (const match of scanned.matchAll(WORD)) {
    while (next < python.length && python[next]!.end <= match.index) links.push(python[next++]!);
    const link = linkInWord(match[0], match.index);
    const frame = python[next];
    if (link && !(frame && link.start < frame.end && link.end > frame.start)) links.push(link);
  }
  return links.concat(python.slice(next));
}
