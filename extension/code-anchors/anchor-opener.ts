/**
 * Opening a code anchor: in the receiver's own checkout when a workspace folder matches (the
 * lines selected where the code is now, saying so when they moved), or as a read-only snapshot
 * of what was shared when none does. When the code is gone it says so and offers the snapshot
 * beside the current file in a diff editor.
 */
import * as vscode from 'vscode';
import { anchorHeader } from '../../client/code-refs/anchor-header';
import type { CodeAttachment, CodeRange } from '../../protocol/attachments';
import { locateInCheckout } from './anchor-location';
import { showRange } from './reveal';
import type { SnapshotDocuments } from './snapshot-documents';
import { findWorkspacePlace } from './workspace-match';

export const COMPARE_WITH_SNAPSHOT = 'Compare with Snapshot';
export const OPEN_SNAPSHOT = 'Open Snapshot';
/** How long the "lines moved" note stays in the status bar. */
const NOTE_MS = 10_000;

/** What opening did, for the caller (and the tests): which document, which lines, what was said. */
export interface AnchorOutcome {
  opened: 'file' | 'snapshot' | 'none';
  uri?: string;
  range?: CodeRange;
  note?: string;
}

function lines(range: CodeRange): string {
  return range.startLine === range.endLine ? `L${range.startLine}` : `L${range.startLine}-L${range.endLine}`;
}

function moved(from: CodeRange, to: CodeRange): boolean {
  return from.startLine !== to.startLine || from.endLine !== to.endLine;
}

export class AnchorOpener {
  constructor(private readonly snapshots: SnapshotDocuments) {}

  /** `id` names the attachment (message key and index): its snapshot is kept under it. */
  async open(code: CodeAttachment, id: string): Promise<AnchorOutcome> {
    const origin = { ...(code.git?.remote !== undefined ? { remote: code.git.remote } : {}), ...(code.folder !== undefined ? { folder: code.folder } : {}) };
    const place = await findWorkspacePlace(origin, code.path);
    if (!place) return this.openSnapshot(code, id);
    const location = await locateInCheckout(code, place);
    if (!location.found) return this.gone(code, id, location.uri);
    await showRange(location.uri, location.range);
    if (!moved(code.range, location.range)) return { opened: 'file', uri: location.uri.toString(), range: location.range };
    const since = code.git ? ` since ${code.git.commit.slice(0, 7)}` : ' since it was shared';
    const note = `Lines moved to ${lines(location.range)}${since}`;
    vscode.window.setStatusBarMessage(note, NOTE_MS);
    return { opened: 'file', uri: location.uri.toString(), range: location.range, note };
  }

  /** The code as it was shared, read-only, titled with its path, lines and commit, the shared range selected. */
  async openSnapshot(code: CodeAttachment, id: string): Promise<AnchorOutcome> {
    const uri = this.snapshotUri(code, id);
    // The snapshot holds just the snippet, so the selection is all of it.
    const lineCount = code.snippet.split('\n').length;
    await showRange(uri, { startLine: 1, endLine: lineCount }, code.language);
    return { opened: 'snapshot', uri: uri.toString(), range: { startLine: 1, endLine: lineCount } };
  }

  private snapshotUri(code: CodeAttachment, id: string): vscode.Uri {
    return this.snapshots.put(`${id}/snapshot`, anchorHeader(code), code.snippet);
  }

  private async gone(code: CodeAttachment, id: string, current: vscode.Uri | undefined): Promise<AnchorOutcome> {
    const header = anchorHeader(code);
    if (!current) {
      const note = `${code.path} is not in this checkout any more: only the snapshot of ${header} is left.`;
      const choice = await vscode.window.showWarningMessage(note, OPEN_SNAPSHOT);
      if (choice === OPEN_SNAPSHOT) return { ...(await this.openSnapshot(code, id)), note };
      return { opened: 'none', note };
    }
    const note = `The code of ${header} is not in ${code.path} any more.`;
    const choice = await vscode.window.showWarningMessage(note, COMPARE_WITH_SNAPSHOT);
    if (choice !== COMPARE_WITH_SNAPSHOT) return { opened: 'none', note };
    const snapshot = this.snapshotUri(code, id);
    await vscode.commands.executeCommand('vscode.diff', snapshot, current, `${code.path}: as shared ↔ now`);
    return { opened: 'file', uri: current.toString(), note };
  }
}
