/**
 * Where an anchor's code is now in the receiver's checkout. With the anchor's commit in the
 * local repository, the file as it was at that commit is diffed against the file as it is now
 * (the editor's text, unsaved edits included; following a rename made since), and the range is
 * mapped through that diff. Without the commit, or when the sender's file had uncommitted
 * changes (so the snippet need not be at the commit), the snippet is looked for in the file.
 */
import { createTwoFilesPatch } from 'diff';
import * as vscode from 'vscode';
import type { CodeAttachment, CodeRange } from '../../protocol/attachments';
import { findSnippet, mapRangeThroughDiff } from '../model/range-mapping';
import type { GitRepository } from '../git/git-extension';
import { fileExists, type WorkspacePlace } from './workspace-match';

export type AnchorLocation =
  /** `how`: the file is as it was, the range came through the commits' diff, or the snippet was found. */
  | { found: true; uri: vscode.Uri; range: CodeRange; how: 'unchanged' | 'diff' | 'snippet' }
  /** The code is not there any more; `uri` is the file when it still exists. */
  | { found: false; uri: vscode.Uri | undefined };

async function commitExists(repository: GitRepository, commit: string): Promise<boolean> {
  try {
    await repository.getCommit(commit);
    return true;
  } catch {
    return false;
  }
}

/** The file's name at HEAD when it was renamed since `commit`; the same URI otherwise. */
async function renamedSince(repository: GitRepository, commit: string, uri: vscode.Uri): Promise<vscode.Uri> {
  try {
    const changes = await repository.diffBetween(commit, 'HEAD');
    const renamed = changes.find((change) => change.originalUri.fsPath === uri.fsPath && (change.renameUri ?? change.uri).fsPath !== uri.fsPath);
    return renamed ? (renamed.renameUri ?? renamed.uri) : uri;
  } catch {
    return uri;
  }
}

async function currentText(uri: vscode.Uri): Promise<string | undefined> {
  if (!(await fileExists(uri))) return undefined;
  return (await vscode.workspace.openTextDocument(uri)).getText();
}

/** The range through the diff from the file at `commit` to `text`; undefined when git cannot show that version. */
async function mapThroughCommit(
  repository: GitRepository,
  commit: string,
  atCommit: vscode.Uri,
  text: string,
  range: CodeRange,
): Promise<{ range: CodeRange; unchanged: boolean } | { gone: true } | undefined> {
  let before: string;
  try {
    before = await repository.show(commit, atCommit.fsPath);
  } catch {
    return undefined;
  }
  if (before === text) return { range, unchanged: true };
  const mapped = mapRangeThroughDiff(range, createTwoFilesPatch('a', 'b', before, text));
  return 'gone' in mapped ? mapped : { range: mapped.range, unchanged: false };
}

export async function locateAnchor(code: CodeAttachment, place: WorkspacePlace): Promise<AnchorLocation> {
  const shared = vscode.Uri.joinPath(place.base, ...code.path.split('/'));
  const git = code.git;
  const repository = place.repository;
  if (repository && git && (await commitExists(repository, git.commit))) {
    const uri = (await fileExists(shared)) ? shared : await renamedSince(repository, git.commit, shared);
    const text = await currentText(uri);
    if (text === undefined) return { found: false, uri: undefined };
    const mapped = await mapThroughCommit(repository, git.commit, shared, text, code.range);
    if (mapped && !('gone' in mapped) && !git.dirty) return { found: true, uri, range: mapped.range, how: mapped.unchanged ? 'unchanged' : 'diff' };
    // The sender's copy differed from the commit, or the lines were taken out: the snippet may still be there.
    const near = mapped && !('gone' in mapped) ? mapped.range.startLine : code.range.startLine;
    const snippet = findSnippet(text, code.snippet, near);
    if (snippet) return { found: true, uri, range: snippet, how: 'snippet' };
    if (mapped && !('gone' in mapped)) return { found: true, uri, range: mapped.range, how: 'diff' };
    return { found: false, uri };
  }
  const text = await currentText(shared);
  if (text === undefined) return { found: false, uri: undefined };
  const snippet = findSnippet(text, code.snippet, code.range.startLine);
  return snippet ? { found: true, uri: shared, range: snippet, how: 'snippet' } : { found: false, uri: shared };
}
