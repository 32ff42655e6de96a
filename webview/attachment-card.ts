/**
 * A message's attachments as cards, in HTML. A code anchor: its header (`path:L10-L24 @ abc1234`),
 * "modified" when the file had uncommitted changes, the highlighted snippet numbered from its
 * first line, and Open / Open on <host> / Snapshot. A diff: what it is, its `--stat` summary, and
 * Open Diff / Open on My Checkout. The buttons carry the attachment's index and action; the
 * message list posts them (`openAttachment`). Pure (a string, no DOM), tested in plain Node;
 * every string from the message is escaped here or by highlight.js.
 */
import { anchorHeader } from '../client/code-refs/anchor-header';
import { diffStat, formatDiffStat } from '../client/code-refs/diff-stat';
import { diffDescription } from '../client/code-refs/fallback';
import { webPermalink } from '../client/code-refs/remote-url';
import { chatMarkdown } from '../extension/model/chat-markdown';
import type { FromWebview } from '../extension/webview-protocol';
import type { Attachment, CodeAttachment, DiffAttachment } from '../protocol/attachments';
import { codeBlockHtml } from './code-block';

export type AttachmentAction = Extract<FromWebview, { type: 'openAttachment' }>['action'];

const ACTIONS: ReadonlySet<string> = new Set<AttachmentAction>(['open', 'web', 'snapshot', 'diff', 'checkout']);

export function isAttachmentAction(value: string | undefined): value is AttachmentAction {
  return value !== undefined && ACTIONS.has(value);
}

/** Columns of the `--stat` lines: a panel beside the editor is narrow. */
const STAT_WIDTH = 60;

const escape = chatMarkdown.utils.escapeHtml;

/** The code block of attachment `index` of message `key`, for its collapse state. */
export function attachmentBlockId(key: string, index: number): string {
  return `${key}@${index}`;
}

interface Action {
  action: AttachmentAction;
  label: string;
  /** What a screen reader says: the label alone does not name the code. */
  ariaLabel: string;
}

function actionsHtml(index: number, actions: readonly Action[]): string {
  const buttons = actions.map(
    ({ action, label, ariaLabel }) =>
      `<button type="button" class="attachment-action" data-attachment-index="${index}" data-attachment-action="${action}" aria-label="${escape(ariaLabel)}">${escape(label)}</button>`,
  );
  return `<div class="attachment-actions">${buttons.join('')}</div>`;
}

function codeCard(key: string, index: number, code: CodeAttachment, isExpanded: (blockId: string) => boolean): string {
  const header = anchorHeader(code);
  const web = code.git?.remote === undefined ? undefined : webPermalink(code.git.remote, code.git.commit, code.path, code.range);
  const where = code.git?.remote ?? code.folder;
  const modified = code.git?.dirty
    ? `<span class="attachment-badge" title="The file had uncommitted changes when it was shared: the code may differ from the commit">modified</span>`
    : '';
  const actions: Action[] = [
    { action: 'open', label: 'Open', ariaLabel: `Open ${header} in the editor` },
    ...(web ? [{ action: 'web' as const, label: `Open on ${web.host}`, ariaLabel: `Open ${header} on ${web.host}` }] : []),
    { action: 'snapshot', label: 'Snapshot', ariaLabel: `Open the snapshot of ${header} as it was shared` },
  ];
  const block = attachmentBlockId(key, index);
  return (
    `<section class="attachment code-card" aria-label="${escape(`Code ${header}`)}">` +
    `<header class="attachment-header">` +
    // The header opens the code too, as a pointer shortcut: the keyboard has the Open button.
    `<button type="button" class="attachment-title link-button" tabindex="-1" data-attachment-index="${index}" data-attachment-action="open"${where === undefined ? '' : ` title="${escape(`In ${where}`)}"`}>${escape(header)}</button>` +
    modified +
    `</header>` +
    codeBlockHtml({ id: block, code: code.snippet, ...(code.language ? { language: code.language } : {}), firstLine: code.range.startLine }, isExpanded(block)) +
    actionsHtml(index, actions) +
    `</section>`
  );
}

/** The `--stat` lines, or undefined for a diff that cannot be read (the extension then says why when it is opened). */
function statText(diff: DiffAttachment): string | undefined {
  try {
    const stat = diffStat(diff.diff);
    return stat.files.length === 0 ? undefined : formatDiffStat(stat, STAT_WIDTH);
  } catch {
    return undefined;
  }
}

function diffCard(key: string, index: number, diff: DiffAttachment, isExpanded: (blockId: string) => boolean): string {
  const description = diffDescription(diff);
  const stat = statText(diff);
  const block = attachmentBlockId(key, index);
  const actions: Action[] = [
    { action: 'diff', label: 'Open Diff', ariaLabel: `Open the diff (${description}) file by file` },
    ...(diff.base === undefined
      ? []
      : [{ action: 'checkout' as const, label: 'Open on My Checkout', ariaLabel: `Open the diff (${description}) on my own checkout` }]),
  ];
  return (
    `<section class="attachment diff-card" aria-label="${escape(`Diff: ${description}`)}">` +
    `<header class="attachment-header"><span class="attachment-title">${escape(description)}</span></header>` +
    (stat === undefined
      ? `<p class="attachment-note">The diff's files could not be read.</p>`
      : codeBlockHtml({ id: block, code: stat }, isExpanded(block))) +
    actionsHtml(index, actions) +
    `</section>`
  );
}

/** The cards of a message's attachments, in order. */
export function attachmentsHtml(key: string, attachments: readonly Attachment[], isExpanded: (blockId: string) => boolean): string {
  return attachments
    .map((attachment, index) =>
      attachment.kind === 'code' ? codeCard(key, index, attachment, isExpanded) : diffCard(key, index, attachment, isExpanded),
    )
    .join('');
}
