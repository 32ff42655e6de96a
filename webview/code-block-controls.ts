/**
 * What the buttons of code blocks (code-block.ts) do: Copy puts the code on the clipboard and
 * says "Copied" for a moment; the toggle shows a long block whole or collapsed again. Which
 * blocks the reader opened is kept here, so a message drawn again keeps them open.
 */
import { lineCount, toggleLabel } from './code-block';

/** How long "Copied" (or the failure) shows before the button says "Copy" again. */
const COPIED_MS = 1500;

export class CodeBlockControls {
  private readonly expanded = new Set<string>();

  readonly isExpanded = (id: string): boolean => this.expanded.has(id);

  /** Acts on a click on one of a code block's buttons; false when `button` is none of them. */
  handleClick(button: HTMLButtonElement): boolean {
    const block = button.closest<HTMLElement>('.code-block');
    if (!block) return false;
    if (button.dataset.codeCopy !== undefined) {
      void this.copy(block, button);
      return true;
    }
    if (button.dataset.codeToggle !== undefined) {
      this.toggle(block, button);
      return true;
    }
    return false;
  }

  private async copy(block: HTMLElement, button: HTMLButtonElement): Promise<void> {
    // The text of the highlighted code is the code itself: highlight.js only adds spans.
    const code = block.querySelector('pre.code > code')?.textContent ?? '';
    try {
      await navigator.clipboard.writeText(code);
      button.textContent = 'Copied';
    } catch {
      button.textContent = 'Copy failed';
    }
    setTimeout(() => (button.textContent = 'Copy'), COPIED_MS);
  }

  private toggle(block: HTMLElement, button: HTMLButtonElement): void {
    const id = block.dataset.codeBlock ?? '';
    const expand = !this.expanded.has(id);
    if (expand) this.expanded.add(id);
    else this.expanded.delete(id);
    block.classList.toggle('collapsed', !expand);
    button.setAttribute('aria-expanded', String(expand));
    const lines = lineCount(block.querySelector('pre.code > code')?.textContent ?? '');
    button.textContent = toggleLabel(lines, expand);
    // Collapsing a long block can leave the reader far below it.
    if (!expand) block.scrollIntoView({ block: 'nearest' });
  }
}
