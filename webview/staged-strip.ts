/**
 * The attachments waiting in the message box (staged by Share Selection / Share Changes), each
 * with a preview and a Remove button: what Enter will send with the note. The extension keeps
 * them; this only draws its list and asks it to take one out. Built with textContent only:
 * paths and code are the user's files, never markup.
 */
import { anchorHeader } from '../client/code-refs/anchor-header';
import { diffStat, formatDiffStat } from '../client/code-refs/diff-stat';
import type { Attachment } from '../protocol/attachments';

const SCOPE_WORDS = { working: 'working tree changes', staged: 'staged changes' } as const;

export class StagedStrip {
  constructor(
    private readonly element: HTMLElement,
    private readonly unstage: (index: number) => void,
  ) {
    element.addEventListener('click', (event) => {
      const button = event.target instanceof Element ? event.target.closest<HTMLButtonElement>('button[data-index]') : null;
      if (button) this.unstage(Number(button.dataset.index));
    });
  }

  get count(): number {
    return this.element.childElementCount;
  }

  render(staged: readonly Attachment[]): void {
    this.element.hidden = staged.length === 0;
    this.element.replaceChildren(...staged.map((attachment, index) => this.item(attachment, index)));
  }

  private item(attachment: Attachment, index: number): HTMLElement {
    const item = document.createElement('div');
    item.className = 'staged-item';
    item.dataset.kind = attachment.kind;
    const title = document.createElement('div');
    title.className = 'staged-title';
    const label = document.createElement('span');
    label.textContent =
      attachment.kind === 'code' ? anchorHeader(attachment) : `Diff: ${SCOPE_WORDS[attachment.scope]}${attachment.folder ? ` of ${attachment.folder}` : ''}`;
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.dataset.index = String(index);
    remove.textContent = '✕';
    remove.title = 'Remove from this message';
    remove.setAttribute('aria-label', `Remove ${label.textContent} from this message`);
    title.append(label, remove);
    const preview = document.createElement('pre');
    preview.className = 'staged-preview';
    preview.textContent = attachment.kind === 'code' ? attachment.snippet : formatDiffStat(diffStat(attachment.diff));
    item.append(title, preview);
    return item;
  }
}
