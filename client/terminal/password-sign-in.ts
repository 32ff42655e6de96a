/**
 * What the terminal client's password prompts share: how many tries, which refusals a
 * (different) password may get past, and the check of a new password before it is sent.
 */
import { codePointLength, LIMITS } from '../../protocol';

/** Password prompts for one sign-in, wrong answers included: then the person is told what to do instead. */
export const MAX_PASSWORD_TRIES = 3;

/** The refusals after which asking for the password (again) may get in. */
export function passwordMayHelp(code: string): boolean {
  return code === 'AUTH_REQUIRED' || code === 'AUTH_FAILED' || code === 'BAD_PASSWORD';
}

export function passwordPrompt(name: string, url: string): string {
  return `Password for ${name} on ${url}: `;
}

/** Why a new password typed twice cannot be used, or undefined when it can. */
export function newPasswordProblem(password: string, repeated: string): string | undefined {
  if (password !== repeated) return 'the two passwords typed differ';
  const length = codePointLength(password);
  if (length < LIMITS.passwordMinLength || length > LIMITS.passwordMaxLength) {
    return `a password is ${LIMITS.passwordMinLength} to ${LIMITS.passwordMaxLength} characters; this one has ${length}`;
  }
  return undefined;
}
