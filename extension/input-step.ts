/**
 * One step of a multi-step prompt: an input box titled "Relay Chat: Server (1/2)", checking
 * what is typed as it is typed. `check` may turn the text into the value meant (a URL typed
 * as http://… becomes ws://…) and says so under the box before it is accepted.
 */
import * as vscode from 'vscode';

export type StepAnswer = { value: string; note?: string } | { problem: string };

export interface InputStep {
  title: string;
  prompt: string;
  value: string;
  step?: { index: number; count: number };
  /** Hides what is typed (a password). */
  password?: boolean;
  check(text: string): StepAnswer;
}

/** The accepted value, or undefined when the box was dismissed. */
export function askStep(options: InputStep): Promise<string | undefined> {
  const box = vscode.window.createInputBox();
  box.title = options.title;
  box.prompt = options.prompt;
  box.value = options.value;
  box.ignoreFocusOut = true;
  box.password = options.password === true;
  if (options.step && options.step.count > 1) {
    box.step = options.step.index;
    box.totalSteps = options.step.count;
  }
  const show = (text: string): StepAnswer => {
    const answer = options.check(text);
    box.validationMessage =
      'problem' in answer
        ? answer.problem
        : answer.note === undefined
          ? undefined
          : { message: answer.note, severity: vscode.InputBoxValidationSeverity.Info };
    return answer;
  };
  return new Promise((resolve) => {
    const subscriptions = [
      box.onDidChangeValue(show),
      box.onDidAccept(() => {
        const answer = show(box.value);
        if ('problem' in answer) return;
        finish(answer.value);
      }),
      box.onDidHide(() => finish(undefined)),
    ];
    let done = false;
    function finish(value: string | undefined): void {
      if (done) return;
      done = true;
      for (const subscription of subscriptions) subscription.dispose();
      box.dispose();
      resolve(value);
    }
    show(box.value);
    box.show();
  });
}
