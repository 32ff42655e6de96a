/**
 * The plain text a message with attachments carries for clients that do not know attachments,
 * and how an attachment-aware client gets the sender's note back out of it.
 *
 * text = note, a blank line, then the fallback (just the fallback when there is no note), cut to
 * the text limit. The fallback is a pure function of the attachments and of the room left, so a
 * receiver finds where the note ends by composing again: no marker in the text is needed.
 */
import { codePointLength, LIMITS } from '../../protocol/limits';
import type { Attachment, CodeAttachment, DiffAttachment } from '../../protocol/attachments';
import { anchorHeader, SHORT_COMMIT_LENGTH } from './anchor-header';
import { diffStat, formatDiffStat } from './diff-stat';

const NOTE_SEPARATOR = '\n\n';
/** A stat as wide as a chat line, not a terminal. */
const STAT_WIDTH = 72;

/** One attachment as text: lines before its fenced body, the body's lines, and the fence's info string. */
interface Block {
  head: string[];
  language: string;
  body: string[];
}

/** A fence longer than any run of backticks in the body, so the body cannot close it. */
function fenceFor(lines: readonly string[]): string {
  let longest = 0;
  for (const line of lines) for (const run of line.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return '`'.repeat(Math.max(3, longest + 1));
}

function fenced(lines: readonly string[], language: string): string[] {
  const fence = fenceFor(lines);
  return [fence + language, ...lines, fence];
}

function bodyLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function codeBlock(code: CodeAttachment): Block {
  return { head: [anchorHeader(code)], language: code.language ?? '', body: bodyLines(code.snippet) };
}

/** "Staged changes in github.com/org/repo @ abc1234" */
export function diffDescription(diff: DiffAttachment): string {
  const what = diff.scope === 'staged' ? 'Staged changes' : 'Working tree changes';
  const where = diff.remote ?? diff.folder;
  return `${what}${where !== undefined ? ` in ${where}` : ''}${diff.base !== undefined ? ` @ ${diff.base.slice(0, SHORT_COMMIT_LENGTH)}` : ''}`;
}

function diffBlock(diff: DiffAttachment): Block {
  return {
    head: [diffDescription(diff), ...fenced(formatDiffStat(diffStat(diff.diff), STAT_WIDTH).split('\n'), '')],
    language: 'diff',
    body: bodyLines(diff.diff.replace(/\r\n/g, '\n')),
  };
}

function blockOf(attachment: Attachment): Block {
  return attachment.kind === 'code' ? codeBlock(attachment) : diffBlock(attachment);
}

/** The blocks with only the first `kept` body lines in all (in order); a block left without body lines has no fence. */
function render(blocks: readonly Block[], kept: number): string {
  let left = kept;
  let omitted = 0;
  const parts = blocks.map((block) => {
    const shown = block.body.slice(0, Math.max(0, left));
    left -= shown.length;
    omitted += block.body.length - shown.length;
    return [...block.head, ...(shown.length > 0 ? fenced(shown, block.language) : [])].join('\n');
  });
  if (omitted > 0) parts.push(`[${omitted} more ${omitted === 1 ? 'line' : 'lines'} not shown]`);
  return parts.join('\n\n');
}

/** Headers only, or at the very least a count, for when not even those fit. */
function minimal(blocks: readonly Block[], budget: number): string {
  const headers = render(blocks.map((block) => ({ ...block, head: block.head.slice(0, 1) })), 0);
  if (codePointLength(headers) <= budget) return headers;
  return `[${blocks.length} ${blocks.length === 1 ? 'attachment' : 'attachments'}]`;
}

/** The fallback in at most `budget` code points where it can be: as many body lines as fit, then a line saying how many were left out. */
function fallbackWithin(blocks: readonly Block[], budget: number): string {
  const total = blocks.reduce((sum, block) => sum + block.body.length, 0);
  const full = render(blocks, total);
  if (codePointLength(full) <= budget) return full;
  if (codePointLength(render(blocks, 0)) > budget) return minimal(blocks, budget);
  // The length grows with the lines kept, so the most that fit is found by halving.
  let fits = 0;
  let tooMany = total;
  while (tooMany - fits > 1) {
    const middle = Math.floor((fits + tooMany) / 2);
    if (codePointLength(render(blocks, middle)) <= budget) fits = middle;
    else tooMany = middle;
  }
  return render(blocks, fits);
}

/** The readable text of the attachments alone, as it would be sent with no note. */
export function attachmentFallback(attachments: readonly Attachment[]): string {
  return fallbackWithin(attachments.map(blockOf), LIMITS.textMaxCodePoints);
}

function composeBlocks(note: string, blocks: readonly Block[]): string {
  if (blocks.length === 0) return note;
  if (note === '') return fallbackWithin(blocks, LIMITS.textMaxCodePoints);
  const budget = LIMITS.textMaxCodePoints - codePointLength(note) - NOTE_SEPARATOR.length;
  return note + NOTE_SEPARATOR + fallbackWithin(blocks, budget);
}

/**
 * A message's `text`: the note, a blank line and the fallback, cut to the text limit. A note
 * that leaves no room gets the shortest fallback, and the text is then too long to send.
 */
export function composeText(note: string, attachments: readonly Attachment[]): string {
  return composeBlocks(note, attachments.map(blockOf));
}

/**
 * The note in a text composeText wrote, found by composing again for each place the fallback
 * could start; the whole text when it was not written that way (a bot's own text).
 */
export function splitNote(text: string, attachments: readonly Attachment[] | undefined): string {
  if (!attachments || attachments.length === 0) return text;
  const blocks = attachments.map(blockOf);
  if (text === composeBlocks('', blocks)) return '';
  // The fallback starts with the first attachment's header, or is the bare count when nothing else fits.
  for (const marker of [NOTE_SEPARATOR + blocks[0]!.head[0]!, `${NOTE_SEPARATOR}[`]) {
    for (let at = text.indexOf(marker, 1); at >= 0; at = text.indexOf(marker, at + 1)) {
      const note = text.slice(0, at);
      if (composeBlocks(note, blocks) === text) return note;
    }
  }
  return text;
}
