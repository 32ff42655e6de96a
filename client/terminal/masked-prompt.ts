/**
 * Asks for a password on a terminal without showing it: the terminal is put in raw mode so
 * nothing is echoed, and the keys are read one by one. Enter submits, Backspace takes back the
 * last character, Ctrl+U clears, Ctrl+C (or Ctrl+D on an empty line, or the end of the input)
 * cancels. Other control keys (arrows, function keys) are ignored.
 */
import readline from 'node:readline';

/** A terminal's input: raw mode is there on a real TTY, absent on a fake one in tests. */
export type TerminalInput = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown; isRaw?: boolean };

export interface MaskedPromptIO {
  input: TerminalInput;
  output: NodeJS.WritableStream;
}

/** The person at the terminal cancelled the prompt. */
export class PromptCancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

/** The typed text; rejects with PromptCancelled when cancelled at the keyboard or by `signal`. */
export function readMasked(io: MaskedPromptIO, prompt: string, signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new PromptCancelled());
    const { input, output } = io;
    readline.emitKeypressEvents(input);
    const wasRaw = input.isRaw === true;
    input.setRawMode?.(true);
    let typed: string[] = [];
    let finished = false;

    const finish = (): void => {
      finished = true;
      input.off('keypress', onKey);
      input.off('end', onEnd);
      signal?.removeEventListener('abort', cancel);
      input.setRawMode?.(wasRaw);
      input.pause();
      // Enter was not echoed either: end the prompt's line ourselves.
      output.write('\n');
    };
    const cancel = (): void => {
      if (finished) return;
      finish();
      reject(new PromptCancelled());
    };
    const onEnd = (): void => cancel();
    const onKey = (sequence: string | undefined, key: readline.Key | undefined): void => {
      if (key?.ctrl && key.name === 'c') return cancel();
      if (key?.ctrl && key.name === 'd') {
        if (typed.length === 0) cancel();
        return;
      }
      if (key?.ctrl && key.name === 'u') {
        typed = [];
        return;
      }
      if (key?.name === 'return' || key?.name === 'enter') {
        finish();
        resolve(typed.join(''));
        return;
      }
      if (key?.name === 'backspace') {
        typed.pop();
        return;
      }
      // A printable character; escape sequences and other control keys are not part of a password.
      if (sequence !== undefined && !key?.ctrl && !key?.meta && !/[\x00-\x1f\x7f]/.test(sequence)) typed.push(...sequence);
    };

    output.write(prompt);
    input.on('keypress', onKey);
    input.on('end', onEnd);
    signal?.addEventListener('abort', cancel);
    input.resume();
  });
}
