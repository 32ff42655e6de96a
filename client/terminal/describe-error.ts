/** How a command's failure reads after "not done": `(AUTH_FAILED): the current password is wrong`. */
import { RelayError } from '../relay-client';

export function describe(error: unknown): string {
  if (error instanceof RelayError) return `(${error.code}): ${error.message}`;
  return `: ${error instanceof Error ? error.message : String(error)}`;
}
