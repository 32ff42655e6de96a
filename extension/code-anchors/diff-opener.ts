/**
 * Opening a shared diff in VS Code's diff editor, file by file. From the diff alone, each side
 * holds only what the diff holds (its hunks, with a note saying so); on top of the receiver's
 * own checkout ('checkout'), when a repository here has the same remote and the base commit,
 * the left side is the whole file at the base and the right side that file with the patch applied.
 *
 * Several files open together in the multi-file diff editor (`vscode.changes`): one scrollable
 * editor with every file, the way VS Code shows a commit's changes, instead of a quick pick
 * that would show one file at a time and ask again for the next.
 */
import { applyPatch, type StructuredPatch } from 'diff';
import * as vscode from 'vscode';
import { parseUnifiedDiff, patchPaths } from '../../client/code-refs/diff-stat';
import type { DiffAttachment } from '../../protocol/attachments';
import { gitApi, type GitRepository } from '../git/git-extension';
import type { SnapshotDocuments } from './snapshot-documents';
import { repositoriesWithRemote } from './workspace-match';

const CHANGED_REGIONS_NOTE = '⋯ Only the changed regions are shown: the rest of the file is not in the shared diff. ⋯';

export interface DiffOutcome {
  opened: 'diff' | 'changes' | 'none';
  /** Each file shown, by its path in the diff, with the URIs of its two sides. */
  files: { path: string; left: string; right: string }[];
  /** Files that could not be shown (binary, or the patch did not apply), and why. */
  problems: string[];
  /** 'checkout' only: the repository it was opened on, or why it fell back to the diff alone. */
  note?: string;
}

interface FileSides {
  path: string;
  left: vscode.Uri;
  right: vscode.Uri;
}

function displayPath(file: StructuredPatch): string {
  const { oldPath, newPath } = patchPaths(file);
  return newPath ?? oldPath ?? 'file';
}

/** One side of the hunks ('-' lines are the old side's, '+' lines the new one's), each hunk under its header. */
function hunkSide(file: StructuredPatch, drop: '+' | '-'): string {
  const out = [CHANGED_REGIONS_NOTE];
  for (const hunk of file.hunks) {
    out.push(`⋯ @@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@ ⋯`);
    for (const line of hunk.lines) {
      if (line.startsWith(drop) || line.startsWith('\\')) continue;
      out.push(line.slice(1));
    }
  }
  return `${out.join('\n')}\n`;
}

export class DiffOpener {
  constructor(private readonly documents: SnapshotDocuments) {}

  async open(diff: DiffAttachment, id: string, onCheckout: boolean): Promise<DiffOutcome> {
    const files = parseUnifiedDiff(diff.diff);
    if (onCheckout) {
      const found = await this.checkout(diff);
      if ('repository' in found) return this.show(diff, await this.onRepository(files, found.repository, diff.base!, id), found.note);
      void vscode.window.showInformationMessage(found.note);
      return this.show(diff, this.fromHunks(files, id), found.note);
    }
    return this.show(diff, this.fromHunks(files, id));
  }

  private fromHunks(files: StructuredPatch[], id: string): { sides: FileSides[]; problems: string[] } {
    const sides: FileSides[] = [];
    const problems: string[] = [];
    files.forEach((file, index) => {
      const path = displayPath(file);
      if (file.isBinary || file.hunks.length === 0) return problems.push(`${path}: no changed lines in the diff (binary, renamed or mode changed only)`);
      sides.push({
        path,
        left: this.documents.put(`${id}/diff/${index}/old`, `shared diff/before/${path}`, file.isCreate ? '' : hunkSide(file, '+')),
        right: this.documents.put(`${id}/diff/${index}/new`, `shared diff/after/${path}`, file.isDelete ? '' : hunkSide(file, '-')),
      });
    });
    return { sides, problems };
  }

  /** A repository here that the diff applies to, or why there is none. */
  private async checkout(diff: DiffAttachment): Promise<{ repository: GitRepository; note: string } | { note: string }> {
    const base = diff.base;
    if (base === undefined) return { note: 'This diff has no base commit: showing the changed regions it holds.' };
    const api = await gitApi();
    const candidates =
      diff.remote !== undefined
        ? await repositoriesWithRemote(diff.remote, api)
        : (vscode.workspace.workspaceFolders ?? [])
            .filter((folder) => folder.name === diff.folder)
            .flatMap((folder) => api?.getRepository(folder.uri) ?? []);
    for (const repository of candidates) {
      const known = await repository.getCommit(base).then(
        () => true,
        () => false,
      );
      if (known) return { repository, note: `Opened on ${repository.rootUri.fsPath} at ${base.slice(0, 7)}.` };
    }
    const where = diff.remote !== undefined ? `the remote ${diff.remote.slice(0, 100)}` : `a folder named ${(diff.folder ?? '').slice(0, 100)}`;
    return { note: `No repository here has ${where} with commit ${base.slice(0, 7)}: showing the changed regions the diff holds.` };
  }

  private async onRepository(files: StructuredPatch[], repository: GitRepository, base: string, id: string): Promise<{ sides: FileSides[]; problems: string[] }> {
    const sides: FileSides[] = [];
    const problems: string[] = [];
    for (const [index, file] of files.entries()) {
      const path = displayPath(file);
      if (file.isBinary) {
        problems.push(`${path}: binary, not shown`);
        continue;
      }
      const { oldPath } = patchPaths(file);
      let before = '';
      if (oldPath !== undefined) {
        try {
          before = await repository.show(base, vscode.Uri.joinPath(repository.rootUri, ...oldPath.split('/')).fsPath);
        } catch {
          problems.push(`${path}: not in ${base.slice(0, 7)} here`);
          continue;
        }
      }
      const after = applyPatch(before, file);
      if (after === false) {
        problems.push(`${path}: the patch does not apply at ${base.slice(0, 7)}`);
        continue;
      }
      sides.push({
        path,
        left: this.documents.put(`${id}/checkout/${index}/old`, `${base.slice(0, 7)}/${oldPath ?? path}`, before),
        right: this.documents.put(`${id}/checkout/${index}/new`, `with the diff/${path}`, file.isDelete ? '' : after),
      });
    }
    return { sides, problems };
  }

  private async show(diff: DiffAttachment, found: { sides: FileSides[]; problems: string[] }, note?: string): Promise<DiffOutcome> {
    const { sides, problems } = found;
    if (problems.length > 0) void vscode.window.showWarningMessage(`Not shown: ${problems.join('; ')}.`);
    const files = sides.map((side) => ({ path: side.path, left: side.left.toString(), right: side.right.toString() }));
    const at = diff.base !== undefined ? ` @ ${diff.base.slice(0, 7)}` : '';
    if (sides.length === 0) return { opened: 'none', files, problems, ...(note ? { note } : {}) };
    if (sides.length === 1) {
      const [only] = sides;
      await vscode.commands.executeCommand('vscode.diff', only!.left, only!.right, `${only!.path}${at} (shared ${diff.scope} changes)`);
      return { opened: 'diff', files, problems, ...(note ? { note } : {}) };
    }
    await vscode.commands.executeCommand(
      'vscode.changes',
      `Shared ${diff.scope} changes${at}`,
      sides.map((side) => [side.right, side.left, side.right]),
    );
    return { opened: 'changes', files, problems, ...(note ? { note } : {}) };
  }
}
