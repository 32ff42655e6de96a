/**
 * Opening a code link a message's text holds: the file at its line and column, or a commit's
 * changes. The webview only names the link; it is looked for again in the message's own text
 * and resolved here, so a webview can open nothing the message does not say.
 */
import * as vscode from 'vscode';
import { gitApi } from '../git/git-extension';
import type { MessageEntry } from '../webview-protocol';
import { showCommitChanges } from './commit-changes';
import { candidateLinks, type CodeLinkResolver } from './code-link-resolver';
import { caretAt, showRange } from './reveal';

export interface LinkOutcome {
  opened: 'file' | 'commit' | 'none';
  uri?: string;
  note?: string;
}

export async function openCodeLink(resolver: CodeLinkResolver, entry: MessageEntry, text: string): Promise<LinkOutcome> {
  const link = candidateLinks(entry.text).find((candidate) => candidate.text === text);
  if (!link) return { opened: 'none', note: 'that link is not in the message' };
  const resolved = await resolver.resolve(link);
  if (!resolved) {
    const note = `${link.text.slice(0, 200)} does not open here: ${link.target.kind === 'file' ? 'no workspace folder has that file' : 'no workspace repository has that commit'}.`;
    void vscode.window.showInformationMessage(note);
    return { opened: 'none', note };
  }
  if (resolved.kind === 'file') {
    const line = resolved.line;
    await showRange(resolved.uri, line !== undefined ? caretAt(line, resolved.column) : undefined);
    return { opened: 'file', uri: resolved.uri.toString() };
  }
  const api = await gitApi();
  if (!api) return { opened: 'none', note: 'git is not available' };
  const shown = await showCommitChanges(api, resolved.repository, resolved.hash);
  if ('problem' in shown) {
    void vscode.window.showInformationMessage(shown.problem);
    return { opened: 'none', note: shown.problem };
  }
  return { opened: 'commit', note: `${shown.files} files` };
}
