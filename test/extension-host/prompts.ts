/**
 * Answers the extension's prompts the way a user would, inside the extension host: the `vscode`
 * module is one object per extension, shared by the extension and this suite (it lives in the
 * extension's folder), so replacing `window.createInputBox`, `showQuickPick` and the
 * `show*Message` functions on it reaches the extension's own calls. Every prompt shown is
 * recorded, so a test can check what was asked (a password box hides what is typed) and said.
 *
 * An input box takes the next queued answer, or, with none queued, its initial value (Enter).
 * A message resolves with the button a queued rule picks for it, or undefined (dismissed).
 */
import * as vscode from 'vscode';

export interface ShownBox {
  title: string | undefined;
  prompt: string | undefined;
  password: boolean;
  step: string | undefined;
  /** What the box said under the text when it was accepted, if anything was wrong. */
  problem?: string;
}

export interface ShownMessage {
  level: 'error' | 'warning' | 'information';
  text: string;
  modal: boolean;
}

/** Queue this to close the box without answering (Escape). */
export const DISMISS = Symbol('dismiss');

type MessageFunction = (message: string, ...rest: unknown[]) => Thenable<unknown>;

class Prompts {
  readonly boxes: ShownBox[] = [];
  readonly messages: ShownMessage[] = [];
  private answers: Array<string | typeof DISMISS> = [];
  private buttons: Array<{ match: RegExp; button: string }> = [];
  private picks: Array<(items: readonly vscode.QuickPickItem[]) => vscode.QuickPickItem | undefined> = [];

  /** The next input boxes take these, in order. */
  answer(...values: Array<string | typeof DISMISS>): void {
    this.answers.push(...values);
  }

  /** The next message matching `match` is answered with `button`. */
  click(match: RegExp, button: string): void {
    this.buttons.push({ match, button });
  }

  /** The next quick pick is answered with what `choose` returns (called again, the one after it, and so on). */
  choose(choose: (items: readonly vscode.QuickPickItem[]) => vscode.QuickPickItem | undefined): void {
    this.picks.push(choose);
  }

  /** Starts recording afresh; answers still queued are a test's mistake. */
  reset(): void {
    const leftOver = this.answers.length + this.buttons.length;
    this.boxes.length = 0;
    this.messages.length = 0;
    this.answers = [];
    this.buttons = [];
    this.picks = [];
    if (leftOver > 0) throw new Error(`${leftOver} prompt answer(s) were never asked for`);
  }

  install(): void {
    const window = vscode.window as { -readonly [K in keyof typeof vscode.window]: (typeof vscode.window)[K] };
    window.createInputBox = () => this.fakeBox();
    window.showQuickPick = (async (items: readonly vscode.QuickPickItem[] | Thenable<readonly vscode.QuickPickItem[]>) => {
      const choose = this.picks.shift();
      return choose?.(await items);
    }) as unknown as typeof vscode.window.showQuickPick;
    window.showErrorMessage = this.messageFunction('error') as typeof vscode.window.showErrorMessage;
    window.showWarningMessage = this.messageFunction('warning') as typeof vscode.window.showWarningMessage;
    window.showInformationMessage = this.messageFunction('information') as typeof vscode.window.showInformationMessage;
  }

  private messageFunction(level: ShownMessage['level']): MessageFunction {
    return async (text, ...rest) => {
      const options = typeof rest[0] === 'object' && rest[0] !== null ? (rest[0] as vscode.MessageOptions) : undefined;
      this.messages.push({ level, text, modal: options?.modal === true });
      const index = this.buttons.findIndex(({ match }) => match.test(text));
      if (index < 0) return undefined;
      return this.buttons.splice(index, 1)[0]!.button;
    };
  }

  private fakeBox(): vscode.InputBox {
    const changed = new vscode.EventEmitter<string>();
    const accepted = new vscode.EventEmitter<void>();
    const hidden = new vscode.EventEmitter<void>();
    const box = {
      value: '',
      title: undefined as string | undefined,
      prompt: undefined as string | undefined,
      password: false,
      step: undefined as number | undefined,
      totalSteps: undefined as number | undefined,
      validationMessage: undefined as string | vscode.InputBoxValidationMessage | undefined,
      ignoreFocusOut: false,
      onDidChangeValue: changed.event,
      onDidAccept: accepted.event,
      onDidHide: hidden.event,
      show: () => {
        const shown: ShownBox = {
          title: box.title,
          prompt: box.prompt,
          password: box.password,
          step: box.step === undefined ? undefined : `${box.step}/${box.totalSteps}`,
        };
        this.boxes.push(shown);
        const answer = this.answers.length > 0 ? this.answers.shift()! : box.value;
        setTimeout(() => {
          if (answer === DISMISS) return hidden.fire();
          box.value = answer;
          changed.fire(answer);
          accepted.fire();
          // Still open: what was typed was refused. Say so and close it, as a user would give up.
          if (typeof box.validationMessage === 'string') {
            shown.problem = box.validationMessage;
            hidden.fire();
          }
        }, 0);
      },
      hide: () => hidden.fire(),
      dispose: () => {
        changed.dispose();
        accepted.dispose();
        hidden.dispose();
      },
    };
    return box as unknown as vscode.InputBox;
  }
}

export const prompts = new Prompts();
