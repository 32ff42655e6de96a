/**
 * The message box: Enter sends, Shift+Enter starts a new line, it grows with its text, counts
 * towards the length limit as the text nears it, and every keystroke is kept as the draft (so
 * it survives going offline and window reloads).
 */
import { lengthCounter } from '../extension/model/validation';

/** Typing notices go out at most this often; the client throttles further. */
const TYPING_INTERVAL_MS = 1000;
const MAX_HEIGHT_PX = 200;

export interface ComposerActions {
  /** Returns false when the text was not sent (the draft then stays). */
  send(text: string): boolean;
  typing(): void;
  draftChanged(draft: string): void;
}

export interface ComposerElements {
  form: HTMLFormElement;
  input: HTMLTextAreaElement;
  label: HTMLElement;
  sendButton: HTMLButtonElement;
  counter: HTMLElement;
}

export class Composer {
  private lastTypingAt = 0;
  private readonly input: HTMLTextAreaElement;

  constructor(
    private readonly elements: ComposerElements,
    private readonly actions: ComposerActions,
  ) {
    const { form, input } = elements;
    this.input = input;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit();
    });
    input.addEventListener('keydown', (event) => {
      const plainEnter = event.key === 'Enter' && !event.shiftKey && !event.altKey && !event.ctrlKey && !event.metaKey;
      // While an input method is composing, Enter confirms the composition instead.
      if (plainEnter && !event.isComposing) {
        event.preventDefault();
        this.submit();
      }
    });
    input.addEventListener('input', () => {
      this.fitHeight();
      this.showLength();
      this.actions.draftChanged(input.value);
      const now = Date.now();
      if (input.value.trim() && now - this.lastTypingAt > TYPING_INTERVAL_MS) {
        this.lastTypingAt = now;
        this.actions.typing();
      }
    });
  }

  get draft(): string {
    return this.input.value;
  }

  setDraft(text: string): void {
    this.input.value = text;
    this.fitHeight();
    this.showLength();
  }

  /** Names who the message goes to, for the label and placeholder. */
  setRecipient(recipient: string): void {
    this.elements.label.textContent = `Message ${recipient}`;
    this.input.placeholder = `Message ${recipient} (Enter to send, Shift+Enter for a new line)`;
  }

  hasFocus(): boolean {
    return document.activeElement === this.input;
  }

  focus(): void {
    this.input.focus();
  }

  private submit(): void {
    if (!this.actions.send(this.input.value)) return;
    this.setDraft('');
    this.lastTypingAt = 0;
    this.actions.draftChanged('');
  }

  /** Near the limit, how much of it is used; past it, in the error colour, with Send off (Enter still explains). */
  private showLength(): void {
    const { counter, sendButton } = this.elements;
    const length = lengthCounter(this.input.value);
    const over = length?.over ?? false;
    counter.hidden = length === undefined;
    counter.textContent = length?.text ?? '';
    counter.classList.toggle('over', over);
    this.input.setAttribute('aria-invalid', String(over));
    sendButton.disabled = over;
  }

  /** Grows with the text up to MAX_HEIGHT_PX, and only then scrolls. */
  private fitHeight(): void {
    const input = this.input;
    input.classList.remove('scrolls');
    input.style.height = 'auto';
    // The box is sized border-box, but scrollHeight leaves its borders out.
    const wanted = input.scrollHeight + input.offsetHeight - input.clientHeight;
    input.style.height = `${Math.min(wanted, MAX_HEIGHT_PX)}px`;
    input.classList.toggle('scrolls', wanted > MAX_HEIGHT_PX);
  }
}
