/**
 * The input boxes that ask for a password: to sign in, and a new one typed twice. What is typed
 * goes to the caller and from there only into a hello or a password request; it is never stored.
 */
import { askStep, type InputStep } from './input-step';
import { validatePassword } from './model/validation';

/**
 * The password to sign in with; undefined when dismissed. With `allowEmpty`, an empty answer
 * ('') means none: the name is owned by this device's token alone.
 */
export function askPassword(options: { prompt: string; allowEmpty: boolean; step?: InputStep['step'] }): Promise<string | undefined> {
  return askStep({
    title: 'Relay Chat: Password',
    prompt: options.prompt,
    value: '',
    password: true,
    ...(options.step ? { step: options.step } : {}),
    check: (text) => {
      if (text === '' && options.allowEmpty) return { value: '' };
      const problem = validatePassword(text);
      return problem ? { problem } : { value: text };
    },
  });
}

/** A new password and the same again, as the steps `first` and `first + 1` of `count`; undefined when dismissed. */
export async function askNewPassword(options: { title: string; prompt: string; first: number; count: number }): Promise<string | undefined> {
  const password = await askStep({
    title: options.title,
    prompt: options.prompt,
    value: '',
    password: true,
    step: { index: options.first, count: options.count },
    check: (text) => {
      const problem = validatePassword(text);
      return problem ? { problem } : { value: text };
    },
  });
  if (password === undefined) return undefined;
  return askStep({
    title: options.title,
    prompt: 'Type the same password again',
    value: '',
    password: true,
    step: { index: options.first + 1, count: options.count },
    check: (text) => (text === password ? { value: text } : { problem: 'The passwords do not match' }),
  });
}
