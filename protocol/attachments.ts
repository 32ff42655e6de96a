/**
 * (new) What a message can carry besides its text: a code anchor (a place in a file of a
 * repository, with the code that was there) or a diff. Defined once here; schema.ts puts the
 * list on `say` and `message`. A message with attachments still has its `text`, written by the
 * sender as the fallback for clients that do not know attachments (see docs/protocol.md).
 */
import * as z from 'zod';
import { isWellFormed, LIMITS } from './limits';

const wireString = () => z.string().refine(isWellFormed, 'must not contain a lone UTF-16 surrogate');

/** A full git commit id, lower-case hex. */
export const COMMIT_PATTERN = /^[0-9a-f]{40}$/;
/** A VS Code language id: "typescript", "cpp", "shellscript". */
export const LANGUAGE_ID_PATTERN = /^[A-Za-z0-9_+#.-]{1,64}$/;

/**
 * A path inside a workspace folder, as `/`-separated segments: never absolute, never `..` or `.`,
 * no backslashes, no empty segment. It names a file the receiver may open, so it is checked
 * before anything touches a file system.
 */
export function isRelativeFilePath(path: string): boolean {
  if (path.length === 0 || path.length > LIMITS.attachmentPathMaxLength) return false;
  if (path.includes('\\') || path.includes('\0')) return false;
  return path.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

/** UTF-8 length, which is what the diff limit counts (a frame's limit is in bytes). No Buffer: webviews use this too. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      bytes += 4; // a surrogate pair is one code point of four bytes
      i++;
    } else bytes += 3;
  }
  return bytes;
}

const filePath = wireString().refine(isRelativeFilePath, 'must be a relative path of `/`-separated names, without `.` or `..`');
const commit = z.string().regex(COMMIT_PATTERN, 'must be a full commit id (40 lower-case hex digits)');
/**
 * A remote as client/code-refs/remote-url.ts normalises it: host (lower-case; an http(s) port that
 * is not the scheme's kept, ssh ports dropped since the https URL of the same repository has none)
 * and path, without scheme, user, `.git` or trailing slash: "github.com/org/repo".
 */
const remote = wireString().min(1).max(LIMITS.attachmentRemoteMaxLength);
const line = z.number().int().min(1);
const column = z.number().int().min(1);

/** Lines and columns count from 1; the range is inclusive of both lines. */
export const codeRange = z
  .object({ startLine: line, endLine: line, startColumn: column.optional(), endColumn: column.optional() })
  .refine((range) => range.endLine >= range.startLine, 'endLine must not be before startLine')
  .refine(
    (range) =>
      range.startLine !== range.endLine ||
      range.startColumn === undefined ||
      range.endColumn === undefined ||
      range.endColumn >= range.startColumn,
    'endColumn must not be before startColumn on one line',
  );

/** Where the file was in git, when it was in a repository. */
export const gitPlace = z.object({
  /** Absent when the repository has no remote. */
  remote: remote.optional(),
  /** HEAD when it was shared. */
  commit,
  /** The file had uncommitted changes: the snippet may not be at `commit`. */
  dirty: z.boolean(),
});

export const codeAttachment = z.object({
  kind: z.literal('code'),
  /** The path relative to its workspace folder. */
  path: filePath,
  /** The workspace folder's name, used to match a receiver's folder when there is no remote. */
  folder: wireString().min(1).max(LIMITS.nameMaxLength * 8).optional(),
  range: codeRange,
  language: z.string().regex(LANGUAGE_ID_PATTERN).optional(),
  /** The selected code as it was, lines joined with "\n". */
  snippet: wireString().max(LIMITS.snippetMaxLength),
  git: gitPlace.optional(),
});

export const diffAttachment = z.object({
  kind: z.literal('diff'),
  /** A unified diff (`git diff` output), paths relative to the repository root. */
  diff: wireString()
    .min(1)
    .refine((text) => utf8Length(text) <= LIMITS.diffMaxBytes, `must be at most ${LIMITS.diffMaxBytes} bytes of UTF-8`),
  /** What was diffed: the working tree or the staged changes, of the repository or of one file. */
  scope: z.enum(['working', 'staged']),
  /** The commit the diff applies to (HEAD when shared); absent outside a repository with commits. */
  base: commit.optional(),
  remote: remote.optional(),
  /** The repository's folder name, shown and used for matching when there is no remote. */
  folder: wireString().min(1).max(LIMITS.nameMaxLength * 8).optional(),
});

export const attachment = z.discriminatedUnion('kind', [codeAttachment, diffAttachment]);
export const attachments = z.array(attachment).min(1).max(LIMITS.attachmentsMax);

export type CodeRange = z.infer<typeof codeRange>;
export type GitPlace = z.infer<typeof gitPlace>;
export type CodeAttachment = z.infer<typeof codeAttachment>;
export type DiffAttachment = z.infer<typeof diffAttachment>;
export type Attachment = z.infer<typeof attachment>;
