/**
 * A code anchor from an editor selection: where it is (the path inside its workspace folder,
 * the lines and columns), what it was (the snippet, its language), and where that is in git
 * (the remote, HEAD, whether the file had changes), from VS Code's git extension, not a git run.
 */
import * as vscode from 'vscode';
import { codeAttachment, LANGUAGE_ID_PATTERN, type CodeAttachment, type GitPlace } from '../../protocol/attachments';
import { LIMITS } from '../../protocol/limits';
import { gitApi } from '../git/git-extension';
import { selectionSpan } from '../model/selection-range';
import { fileNameOf, pathInFolder } from '../model/workspace-path';
import { fileChanges } from './file-changes';
import { repositoryRemote } from './repository-remote';

export type Capture = { anchor: CodeAttachment } | { problem: string };

/** The anchor of the editor's (primary) selection, or what is wrong with sharing it. */
export async function captureSelection(editor: vscode.TextEditor): Promise<Capture> {
  const { document, selection } = editor;
  const span = selectionSpan(selection.start, selection.end, (line) => document.lineAt(line).text.length);
  if (!span) return { problem: 'Select some text in an editor to share it.' };
  const text = document.getText(new vscode.Range(span.start.line, span.start.character, span.end.line, span.end.character));
  const snippet = text.replace(/\r\n/g, '\n');
  if (snippet.length > LIMITS.snippetMaxLength) {
    return { problem: `This selection is ${snippet.length} characters long; Relay Chat can share up to ${LIMITS.snippetMaxLength} at once.` };
  }
  const folder = vscode.workspace.getWorkspaceFolder(document.uri);
  const inFolder = folder ? pathInFolder(folder.uri.path, document.uri.path) : undefined;
  const git = await gitPlace(document);
  const checked = codeAttachment.safeParse({
    kind: 'code',
    // Outside every workspace folder, the file's name is all a receiver could look for.
    path: inFolder ?? fileNameOf(document.uri.path),
    ...(folder && inFolder !== undefined ? { folder: folder.name } : {}),
    range: span.range,
    ...(LANGUAGE_ID_PATTERN.test(document.languageId) ? { language: document.languageId } : {}),
    snippet,
    ...(git ? { git } : {}),
  });
  if (!checked.success) {
    const issue = checked.error.issues[0];
    return { problem: `This selection cannot be shared: its ${issue?.path.join('.') ?? 'anchor'} ${issue?.message ?? 'is not valid'}.` };
  }
  return { anchor: checked.data };
}

/** Undefined outside a repository, or in one without commits (there is no commit to name). */
async function gitPlace(document: vscode.TextDocument): Promise<GitPlace | undefined> {
  if (document.uri.scheme !== 'file') return undefined;
  const repository = (await gitApi())?.getRepository(document.uri);
  const commit = repository?.state.HEAD?.commit;
  if (!repository || commit === undefined) return undefined;
  const remote = repositoryRemote(repository.state);
  const changes = fileChanges(repository.state, document.uri);
  // Unsaved edits also mean the snippet may not be what the commit holds.
  const dirty = changes.working || changes.staged || document.isDirty;
  return { ...(remote !== undefined ? { remote } : {}), commit, dirty };
}
