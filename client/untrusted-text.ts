/**
 * Text that came over the wire (messages, names, error messages, close reasons) can carry
 * terminal escape sequences or be arbitrarily long. These make it safe to print or to put in an
 * error: control characters and bidirectional overrides become U+FFFD, so they cannot move
 * the cursor, recolour the terminal or make text read differently from what it is.
 */

/** Longest server-provided string (error message, close reason) put into output or an exception. */
export const UNTRUSTED_MAX_LENGTH = 200;

const CONTROL_EXCEPT_LINES = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;
const CONTROL = /[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

/** For message text: keeps new lines and tabs, replaces every other control character. */
export function sanitize(text: string): string {
  return text.replace(/\r\n/g, '\n').replace(CONTROL_EXCEPT_LINES, '\uFFFD');
}

/** For a short string from the server: one line, no control characters, at most `maxLength` code points. */
export function untrustedLine(text: string, maxLength: number = UNTRUSTED_MAX_LENGTH): string {
  return truncate(text, maxLength).replace(CONTROL, '\uFFFD');
}

/** At most `maxLength` code points, ending in `…` when cut; reads no more of a huge text than it needs. */
export function truncate(text: string, maxLength: number): string {
  // Every code point is one or two UTF-16 units, so this head holds more than maxLength of them when cut.
  const head = text.slice(0, (maxLength + 1) * 2);
  const chars = Array.from(head);
  return chars.length > maxLength ? `${chars.slice(0, maxLength - 1).join('')}…` : head;
}
