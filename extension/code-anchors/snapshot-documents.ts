/**
 * Read-only documents that exist only in memory: the snapshot of a code anchor (the code as the
 * sender saw it) and the two sides of a shared diff. VS Code asks a TextDocumentContentProvider
 * for their text by URI, so the URI names an entry here (message key, attachment index, what it
 * is) and never carries the text itself; the map is bounded, the oldest entries going first.
 */
import * as vscode from 'vscode';

export const SNAPSHOT_SCHEME = 'relay-chat-snapshot';

/** Enough for every attachment of the messages a user is looking at; each holds at most a diff's or a snippet's size. */
const MAX_DOCUMENTS = 200;

export class SnapshotDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly documents = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  /**
   * Keeps `text` under `id` and returns the URI that opens it. `title` is the file-like name
   * the editor's tab shows (its last segment); `id` is unique per message key, index and side.
   */
  put(id: string, title: string, text: string): vscode.Uri {
    this.documents.delete(id);
    this.documents.set(id, text);
    while (this.documents.size > MAX_DOCUMENTS) this.documents.delete(this.documents.keys().next().value!);
    const uri = vscode.Uri.from({ scheme: SNAPSHOT_SCHEME, path: `/${title}`, query: new URLSearchParams({ id }).toString() });
    this.changed.fire(uri);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const id = new URLSearchParams(uri.query).get('id') ?? '';
    return this.documents.get(id) ?? 'This copy is no longer kept: open it again from its message in the chat.';
  }

  dispose(): void {
    this.documents.clear();
    this.changed.dispose();
  }
}
