/**
 * The receiving side of code anchors, as one piece the panels share: what a message's
 * attachment actions and code links do, and the in-memory documents they open. The openers
 * (and the diff library) load on the first action, not at activation (see extension.ts).
 */
import * as vscode from 'vscode';
import type { Attachment } from '../../protocol/attachments';
import type { FromWebview, MessageEntry } from '../webview-protocol';
import type { AnchorOpener, AnchorOutcome } from './anchor-opener';
import { openCodeLink, type LinkOutcome } from './code-link-opener';
import { CodeLinkResolver } from './code-link-resolver';
import type { DiffOpener, DiffOutcome } from './diff-opener';
import { SNAPSHOT_SCHEME, SnapshotDocuments } from './snapshot-documents';
import { openOnWeb } from './web-link';

export type AttachmentAction = Extract<FromWebview, { type: 'openAttachment' }>['action'];
export type AttachmentOutcome = AnchorOutcome | DiffOutcome | { url?: string; note?: string };

export class CodeAnchors implements vscode.Disposable {
  private readonly documents = new SnapshotDocuments();
  readonly links = new CodeLinkResolver();
  private anchors: AnchorOpener | undefined;
  private diffs: DiffOpener | undefined;
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(SNAPSHOT_SCHEME, this.documents);

  /** Attachment `index` of `entry`; the action must be one its kind has (the webview's word is not taken for it). */
  async openAttachment(entry: MessageEntry, index: number, action: AttachmentAction): Promise<AttachmentOutcome> {
    const attachment = entry.attachments?.[index];
    if (!attachment) return { note: 'that message has no such attachment' };
    return this.open(attachment, action, `${entry.key}#${index}`);
  }

  /** `id` names the attachment (message key and index) for the documents it opens. */
  async open(attachment: Attachment, action: AttachmentAction, id: string): Promise<AttachmentOutcome> {
    if (action === 'web') return openOnWeb(attachment);
    if (attachment.kind === 'code' && (action === 'open' || action === 'snapshot')) {
      this.anchors ??= new (await import('./anchor-opener')).AnchorOpener(this.documents);
      return action === 'open' ? this.anchors.open(attachment, id) : this.anchors.openSnapshot(attachment, id);
    }
    if (attachment.kind === 'diff' && (action === 'diff' || action === 'checkout')) {
      this.diffs ??= new (await import('./diff-opener')).DiffOpener(this.documents);
      return this.diffs.open(attachment, id, action === 'checkout');
    }
    return { note: `a ${attachment.kind} attachment has no action ${action}` };
  }

  openCodeLink(entry: MessageEntry, link: string): Promise<LinkOutcome> {
    return openCodeLink(this.links, entry, link);
  }

  dispose(): void {
    this.registration.dispose();
    this.links.dispose();
    this.documents.dispose();
  }
}
