/**
 * The `@name` completion list under the message box: it opens while an `@word` is typed (see
 * extension/model/mention-completion.ts), ↑/↓ move through it, Tab or Enter takes the name,
 * Escape closes it. Its keydown listener is added before the composer's, so while it is open
 * Enter picks a name instead of sending. Options are built with textContent.
 */
import { applyMention, completeMentions, mentionQuery, type MentionQuery } from '../extension/model/mention-completion';

export class MentionPicker {
  private candidates: string[] = [];
  private suggestions: string[] = [];
  private selected = 0;
  private query: MentionQuery | undefined;

  constructor(
    private readonly input: HTMLTextAreaElement,
    private readonly list: HTMLElement,
    /** Called after a name was put into the text (the draft changed). */
    private readonly picked: () => void,
  ) {
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-controls', list.id);
    input.addEventListener('keydown', (event) => this.onKey(event));
    input.addEventListener('input', () => this.update());
    input.addEventListener('click', () => this.update());
    input.addEventListener('blur', () => this.close());
    // A click on an option must not blur the box first.
    list.addEventListener('mousedown', (event) => event.preventDefault());
    this.close();
  }

  /** Who can be mentioned here (`here` and `channel` included in a channel). */
  setCandidates(names: readonly string[]): void {
    this.candidates = [...names];
    if (this.isOpen) this.update();
  }

  get isOpen(): boolean {
    return this.suggestions.length > 0;
  }

  private onKey(event: KeyboardEvent): void {
    if (!this.isOpen || event.isComposing || event.altKey || event.ctrlKey || event.metaKey) return;
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1 };
    if (event.key in moves) {
      this.selected = (this.selected + moves[event.key]! + this.suggestions.length) % this.suggestions.length;
      this.draw();
    } else if ((event.key === 'Tab' || event.key === 'Enter') && !event.shiftKey) {
      this.choose(this.selected);
    } else if (event.key === 'Escape') {
      this.close();
    } else {
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
  }

  private update(): void {
    const caret = this.input.selectionStart;
    this.query = caret === this.input.selectionEnd ? mentionQuery(this.input.value, caret) : undefined;
    this.suggestions = this.query ? completeMentions(this.query.prefix, this.candidates) : [];
    this.selected = Math.min(this.selected, Math.max(0, this.suggestions.length - 1));
    this.draw();
  }

  private choose(index: number): void {
    const name = this.suggestions[index];
    if (name === undefined || !this.query) return;
    const next = applyMention(this.input.value, this.query, this.input.selectionStart, name);
    this.input.value = next.text;
    this.input.setSelectionRange(next.caret, next.caret);
    this.close();
    this.picked();
  }

  private close(): void {
    this.suggestions = [];
    this.query = undefined;
    this.selected = 0;
    this.draw();
  }

  private draw(): void {
    this.list.replaceChildren(
      ...this.suggestions.map((name, index) => {
        const option = document.createElement('li');
        option.id = `${this.list.id}-${index}`;
        option.className = 'mention-option';
        option.setAttribute('role', 'option');
        option.setAttribute('aria-selected', String(index === this.selected));
        option.textContent = `@${name}`;
        option.addEventListener('click', () => this.choose(index));
        return option;
      }),
    );
    this.list.hidden = !this.isOpen;
    this.input.setAttribute('aria-expanded', String(this.isOpen));
    if (this.isOpen) this.input.setAttribute('aria-activedescendant', `${this.list.id}-${this.selected}`);
    else this.input.removeAttribute('aria-activedescendant');
  }
}
