/** Opening a document with a code range (1-based lines and columns, as attachments count them) selected and in view. */
import * as vscode from 'vscode';
import type { CodeRange } from '../../protocol/attachments';

/**
 * The editor selection for `range`: columns are 1-based positions (the editor's "Col"); without
 * them the whole lines are selected. Lines past the end (a file that got shorter) are clamped.
 */
export function selectionOf(document: vscode.TextDocument, range: CodeRange): vscode.Selection {
  const lastLine = document.lineCount - 1;
  const startLine = Math.min(range.startLine - 1, lastLine);
  const endLine = Math.min(range.endLine - 1, lastLine);
  const start = new vscode.Position(startLine, range.startColumn !== undefined ? range.startColumn - 1 : 0);
  const end =
    range.endColumn !== undefined ? new vscode.Position(endLine, range.endColumn - 1) : document.lineAt(endLine).range.end;
  return new vscode.Selection(document.validatePosition(start), document.validatePosition(end));
}

export async function showRange(uri: vscode.Uri, range: CodeRange | undefined, languageId?: string): Promise<vscode.TextEditor> {
  let document = await vscode.workspace.openTextDocument(uri);
  if (languageId !== undefined && document.languageId !== languageId) {
    // An unknown language id (from another editor) leaves the document as it is.
    document = await vscode.languages.setTextDocumentLanguage(document, languageId).then(
      (changed) => changed,
      () => document,
    );
  }
  const selection = range ? selectionOf(document, range) : undefined;
  const editor = await vscode.window.showTextDocument(document, { preview: true, ...(selection ? { selection } : {}) });
  if (selection) editor.revealRange(selection, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  return editor;
}
