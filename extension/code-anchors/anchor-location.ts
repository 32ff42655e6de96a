/**
 * Where an anchor's code is now in the receiver's checkout. With the anchor's commit in the
 * local repository, the file as it was at that commit is diffed against the file as it is now
 * (the editor's text, so unsaved edits count; following a rename made since), and
 * locateAnchor (extension/model/range-mapping.ts) carries the range through that diff, checking
 * it against the snippet; without the commit it looks for the snippet in the file.
 */
import { createTwoFilesPatch } from 'diff';
import * as vscode from 'vscode';
import type { CodeAttachment, CodeRange } from '../../protocol/attachments';
import { locateAnchor } from '../model/range-mapping';
import type { GitRepository } from '../git/git-extension';
import { fileExists, type WorkspacePlace } from './workspace-match';

export type AnchorLocation =
  | { found: true; uri: vscode.Uri; range: CodeRange }
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

function relativeTo(base: vscode.Uri, uri: vscode.Uri): string {
  return uri.path.slice(base.path.replace(/\/$/, '').length + 1);
}

/** The unified diff of the file from `commit` to `text` (whose path is `now`); undefined when git cannot show that version. */
async function diffSinceCommit(repository: GitRepository, commit: string, shared: vscode.Uri, path: string, now: string, text: string): Promise<string | undefined> {
  try {
    const before = await repository.show(commit, shared.fsPath);
    return createTwoFilesPatch(`a/${path}`, `b/${now}`, before, text);
  } catch {
    return undefined;
  }
}

export async function locateInCheckout(code: CodeAttachment, place: WorkspacePlace): Promise<AnchorLocation> {
  const shared = vscode.Uri.joinPath(place.base, ...code.path.split('/'));
  const repository = place.repository;
  const commit = repository && code.git && (await commitExists(repository, code.git.commit)) ? code.git.commit : undefined;
  const uri = (await fileExists(shared)) || !repository || !commit ? shared : await renamedSince(repository, commit, shared);
  if (!(await fileExists(uri))) return { found: false, uri: undefined };
  const text = (await vscode.workspace.openTextDocument(uri)).getText();
  const diff = repository && commit ? await diffSinceCommit(repository, commit, shared, code.path, relativeTo(place.base, uri), text) : undefined;
  const location = locateAnchor(code, { ...(diff !== undefined ? { diff } : {}), fileText: text });
  return location.range ? { found: true, uri, range: location.range } : { found: false, uri };
}
