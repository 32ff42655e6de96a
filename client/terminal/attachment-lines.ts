/**
 * How the terminal shows a message's attachments: a code anchor as its header
 * (`path:L10-L24 @ abc1234`) and the snippet in a frame, a diff as its description, `--stat`
 * and first lines. Everything in them came over the wire: each line is cleaned and bounded,
 * and only so many lines are shown.
 */
import type { Attachment, CodeAttachment, DiffAttachment } from '../../protocol/attachments';
import { anchorHeader } from '../code-refs/anchor-header';
import { diffStat, diffStatSummary, formatDiffStat } from '../code-refs/diff-stat';
import { diffDescription } from '../code-refs/fallback';
import { sanitize, truncate, untrustedLine } from '../untrusted-text';

/** Snippet lines shown; the rest is counted. */
export const SNIPPET_MAX_LINES = 20;
/** Lines of a diff shown after its stat. */
export const DIFF_PREVIEW_LINES = 12;
/** Files listed in a diff's stat before "… and N more files". */
const STAT_MAX_FILES = 20;
/** A shown line of code is cut here, so one huge line cannot fill the screen. */
const LINE_MAX_LENGTH = 200;
const HEADER_MAX_LENGTH = 300;
const STAT_WIDTH = 80;
const FRAME = '│ ';

function framed(text: string, maxLines: number): string[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  const shown = lines.slice(0, maxLines).map((line) => FRAME + sanitize(truncate(line, LINE_MAX_LENGTH)).replace(/\t/g, '    '));
  const more = lines.length - shown.length;
  return more > 0 ? [...shown, `└ … ${more} more line${more === 1 ? '' : 's'}`] : shown;
}

function codeLines(code: CodeAttachment): string[] {
  const dirty = code.git?.dirty ? ' (uncommitted changes)' : '';
  return [untrustedLine(anchorHeader(code), HEADER_MAX_LENGTH) + dirty, ...framed(code.snippet, SNIPPET_MAX_LINES)];
}

function diffLines(diff: DiffAttachment): string[] {
  const stat = diffStat(diff.diff);
  const listed = stat.files.slice(0, STAT_MAX_FILES);
  // Without its summary line, which is the whole diff's, also of the files not listed.
  const fileLines = formatDiffStat({ ...stat, files: listed }, STAT_WIDTH).split('\n').slice(0, -1);
  const more = stat.files.length - listed.length;
  return [
    untrustedLine(diffDescription(diff), HEADER_MAX_LENGTH),
    ...fileLines.map((line) => untrustedLine(line, STAT_WIDTH * 2)),
    ...(more > 0 ? [` … and ${more} more file${more === 1 ? '' : 's'}`] : []),
    diffStatSummary(stat),
    ...framed(diff.diff, DIFF_PREVIEW_LINES),
  ];
}

/** The lines that show one attachment, without colour or indentation. */
export function attachmentLines(attachment: Attachment): string[] {
  return attachment.kind === 'code' ? codeLines(attachment) : diffLines(attachment);
}
