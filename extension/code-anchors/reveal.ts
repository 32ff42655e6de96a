/** Opening a document with a code range (1-based lines and columns, as attachments count them) selected and in view. */
import * as vscode from 'vscode';
import type { CodeRange } from '../../protocol/attachments';

/**
 * The editor selection for `range`: columns are 1-based and inclusive, as attachments count them
 * (the editor's "Col" of the first and the last character); without them the whole lines are
 * selected. Lines past the end (a file that got shorter) are clamped.
 */
export function selectionOf(document: vscode.TextDocument, range: CodeRange): vscode.Selection {
  const lastLine = document.lineCount - 1;
  const startLine = Math.min(range.startLine - 1, lastLine);
  const endLine = Math.min(range.endLine - 1, lastLine);
  const start = new vscode.Position(startLine, range.startColumn !== undefined ? range.startColumn - 1 : 0);
  const end =
    // The last character's 1-based column is the 0-based position just after it.
    range.endColumn !== undefined ? new vscode.Position(endLine, range.endColumn) : document.lineAt(endLine).range.end;
  return new vscode.Selection(document.validatePosition(start), document.validatePosition(end));
}

/** A caret at `line`:`column` (1-based), as a link like `file.ts:42:7` names it. */
export function caretAt(line: number, column = 1): (document: vscode.TextDocument) => vscode.Selection {
  return (document) => {
    const position = document.validatePosition(new vscode.Position(line - 1, column - 1));
    return new vscode.Selection(position, position);
  };
}

export async function showRange(
  uri: vscode.Uri,
  range: CodeRange | ((document: vscode.TextDocument) => vscode.Selection) | undefined,
  languageId?: string,
): Promise<vscode.TextEditor> {
  let document = await vscode.workspace.openTextDocument(uri);
  if (languageId !== undefined && document.languageId !== languageId) {
    // An unknown language id (from another editor) leaves the document as it is.
    document = await vscode.languages.setTextDocumentLanguage(document, languageId).then(
      (changed) => changed,
      () => document,
    );
  }
  const selection = range === undefined ? undefined : typeof range === 'function' ? range(document) : selectionOf(document, range);
  const editor = await vscode.window.showTextDocument(document, { preview: true, ...(selection ? { selection } : {}) });
  if (selection) editor.revealRange(selection, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  return editor;
}
