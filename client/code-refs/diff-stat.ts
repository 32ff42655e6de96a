/**
 * What a unified diff changes, file by file, and its `git diff --stat` rendering. Parsing is the
 * `diff` package's (it knows git's rename, binary, new and deleted file headers).
 */
import { parsePatch, type StructuredPatch } from 'diff';

export type FileChange = 'modified' | 'added' | 'deleted' | 'renamed';

export interface FileStat {
  /** The path after the change; the old path for a deleted file. */
  path: string;
  /** The path before, for a rename. */
  oldPath?: string;
  added: number;
  removed: number;
  binary: boolean;
  change: FileChange;
}

export interface DiffStat {
  files: FileStat[];
  added: number;
  removed: number;
}

const NO_FILE = '/dev/null';

function present(name: string | undefined): string | undefined {
  return name === undefined || name === NO_FILE || name === '' ? undefined : name;
}

/**
 * Old and new path of one file's patch, without git's `a/` and `b/` (also in a diff whose
 * `diff --git` line was left off, when both sides have them); a missing side is a created or
 * deleted file.
 */
export function patchPaths(patch: StructuredPatch): { oldPath: string | undefined; newPath: string | undefined } {
  const oldName = patch.isCreate ? undefined : present(patch.oldFileName);
  const newName = patch.isDelete ? undefined : present(patch.newFileName);
  const prefixed = (oldName === undefined || oldName.startsWith('a/')) && (newName === undefined || newName.startsWith('b/'));
  const strip = (name: string | undefined, prefix: string) => (name !== undefined && (patch.isGit || prefixed) && name.startsWith(prefix) ? name.slice(prefix.length) : name);
  return { oldPath: strip(oldName, 'a/'), newPath: strip(newName, 'b/') };
}

/** The diff's file patches; CRLF line ends (a diff saved on Windows) are read as LF so names do not end in "\r". */
export function parseUnifiedDiff(diff: string): StructuredPatch[] {
  return parsePatch(diff.includes('\r\n') && !/[^\r]\n/.test(diff) ? diff.replace(/\r\n/g, '\n') : diff);
}

function fileStat(patch: StructuredPatch): FileStat | undefined {
  const { oldPath, newPath } = patchPaths(patch);
  const path = newPath ?? oldPath;
  if (path === undefined) return undefined;
  let added = 0;
  let removed = 0;
  for (const hunk of patch.hunks) {
    for (const line of hunk.lines) {
      if (line.startsWith('+')) added++;
      else if (line.startsWith('-')) removed++;
    }
  }
  const change: FileChange =
    newPath === undefined ? 'deleted' : oldPath === undefined ? 'added' : oldPath !== newPath ? 'renamed' : 'modified';
  return { path, ...(change === 'renamed' ? { oldPath } : {}), added, removed, binary: patch.isBinary === true, change };
}

export function diffStat(diff: string): DiffStat {
  const files = parseUnifiedDiff(diff).flatMap((patch) => fileStat(patch) ?? []);
  return {
    files,
    added: files.reduce((sum, file) => sum + file.added, 0),
    removed: files.reduce((sum, file) => sum + file.removed, 0),
  };
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** git's last line: ` 2 files changed, 3 insertions(+), 1 deletion(-)`, leaving out a zero count beside a non-zero one. */
export function diffStatSummary(stat: DiffStat): string {
  let summary = ` ${plural(stat.files.length, 'file changed', 'files changed')}`;
  if (stat.added > 0 || stat.removed === 0) summary += `, ${plural(stat.added, 'insertion(+)', 'insertions(+)')}`;
  if (stat.removed > 0 || stat.added === 0) summary += `, ${plural(stat.removed, 'deletion(-)', 'deletions(-)')}`;
  return summary;
}

/** Names longer than this are shown by their end, after `...`, as git does. */
const NAME_MAX_LENGTH = 50;

function displayName(file: FileStat): string {
  const name = file.oldPath !== undefined ? `${file.oldPath} => ${file.path}` : file.path;
  const chars = Array.from(name);
  return chars.length > NAME_MAX_LENGTH ? `...${chars.slice(chars.length - (NAME_MAX_LENGTH - 3)).join('')}` : name;
}

/** Like `git diff --stat`: ` path | 5 +++--` per file (`Bin` for binary files) and the summary line, within `width` columns. */
export function formatDiffStat(stat: DiffStat, width = 80): string {
  const names = stat.files.map(displayName);
  const nameWidth = Math.max(0, ...names.map((name) => Array.from(name).length));
  const counts = stat.files.map((file) => (file.binary ? 'Bin' : String(file.added + file.removed)));
  const countWidth = Math.max(0, ...counts.map((count) => count.length));
  const barWidth = Math.max(1, width - nameWidth - countWidth - 5);
  const most = Math.max(0, ...stat.files.map((file) => file.added + file.removed));
  const scale = most > barWidth ? barWidth / most : 1;
  // Any change gets at least one mark, as in git.
  const marks = (count: number) => (count === 0 ? 0 : Math.max(1, Math.round(count * scale)));
  const lines = stat.files.map((file, i) => {
    const name = names[i]!;
    const padded = name + ' '.repeat(nameWidth - Array.from(name).length);
    const bar = file.binary ? '' : ` ${'+'.repeat(marks(file.added))}${'-'.repeat(marks(file.removed))}`;
    return ` ${padded} | ${counts[i]!.padStart(countWidth)}${bar.trimEnd()}`;
  });
  return [...lines, diffStatSummary(stat)].join('\n');
}
