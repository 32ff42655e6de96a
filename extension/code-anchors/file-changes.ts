/** Whether a file has changes git knows of, in the working tree and in the index (the staged ones). */
import type * as vscode from 'vscode';
import type { GitChange, GitRepositoryState } from '../git/git-extension';

export interface FileChanges {
  working: boolean;
  staged: boolean;
}

function names(changes: readonly GitChange[], file: vscode.Uri): boolean {
  return changes.some((change) => change.uri.fsPath === file.fsPath || change.renameUri?.fsPath === file.fsPath);
}

export function fileChanges(state: Pick<GitRepositoryState, 'workingTreeChanges' | 'indexChanges'>, file: vscode.Uri): FileChanges {
  return { working: names(state.workingTreeChanges, file), staged: names(state.indexChanges, file) };
}
