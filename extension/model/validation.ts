/**
 * Checks for what the user types: settings asked for in input boxes, and messages. Each returns
 * a message saying what is wrong, or undefined when the input is fine (the shape
 * `InputBoxOptions.validateInput` wants).
 */
// From limits directly: the webview bundle uses these checks and needs none of the wire schemas.
import { isValidChannelName } from '../../protocol/conversation';
import { codePointLength, isValidName, LIMITS } from '../../protocol/limits';

const NAME_RULE = `a name is 1 to ${LIMITS.nameMaxLength} ASCII letters, digits, "_", "-" and "."`;
const NAME_CHARACTER = /^[A-Za-z0-9_.-]$/;

/** Says what is wrong, down to the first character a name cannot hold and where it is. */
export function validateUserName(text: string): string | undefined {
  if (isValidName(text)) return undefined;
  const characters = Array.from(text);
  const bad = characters.findIndex((character) => !NAME_CHARACTER.test(character));
  if (bad >= 0) return `${describeCharacter(characters[bad]!)} (character ${bad + 1}) cannot be in a name: ${NAME_RULE}`;
  if (characters.length === 0) return `Enter a name: ${NAME_RULE}`;
  return `This name has ${characters.length} characters: ${NAME_RULE}`;
}

/** A character as a person can read it in a message, even when it is invisible. */
function describeCharacter(character: string): string {
  if (character === ' ') return 'A space';
  const codePoint = character.codePointAt(0)!;
  const hex = `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
  return /^[\p{L}\p{N}\p{P}\p{S}]$/u.test(character) ? `"${character}" (${hex})` : hex;
}

/** A name suggestion made from the operating system's user name. */
export function suggestUserName(osUserName: string): string {
  const cleaned = osUserName.replace(/[^A-Za-z0-9_.-]/g, '').slice(0, LIMITS.nameMaxLength);
  return cleaned || 'user';
}

export function validateMessageText(text: string): string | undefined {
  if (text.trim().length === 0) return 'Type a message first';
  const length = codePointLength(text);
  if (length > LIMITS.textMaxCodePoints) {
    return `Messages are limited to ${count(LIMITS.textMaxCodePoints)} characters; this one has ${count(length)}`;
  }
  return undefined;
}

/** From this many code points on, the composer shows how close a message is to the limit. */
const COUNTER_FROM = 3500;

export interface LengthCounter {
  /** "3,612 / 4,000" */
  text: string;
  over: boolean;
}

/** The composer's counter for `text`, or undefined while the text is far from the limit. */
export function lengthCounter(text: string): LengthCounter | undefined {
  const length = codePointLength(text);
  if (length < COUNTER_FROM) return undefined;
  return { text: `${count(length)} / ${count(LIMITS.textMaxCodePoints)}`, over: length > LIMITS.textMaxCodePoints };
}

/** Every message of the UI is English, and so are its numbers. */
function count(n: number): string {
  return n.toLocaleString('en-US');
}

const PASSWORD_RULE = `a password is ${count(LIMITS.passwordMinLength)} to ${count(LIMITS.passwordMaxLength)} characters`;

/** A password the server can accept; the length counted as the server counts it, in code points. */
export function validatePassword(text: string): string | undefined {
  const length = codePointLength(text);
  if (length >= LIMITS.passwordMinLength && length <= LIMITS.passwordMaxLength) return undefined;
  return `This password has ${count(length)} character${length === 1 ? '' : 's'}: ${PASSWORD_RULE}`;
}

/**
 * A channel name as typed into Create Channel: a leading `#` is dropped (people write channels
 * that way). Either the name, or why it cannot be one, by the protocol's channel rule.
 */
export function channelNameFrom(text: string): { value: string } | { problem: string } {
  const name = text.trim().replace(/^#/, '');
  if (name === '') return { problem: 'Enter a name for the channel' };
  if (isValidChannelName(name)) return { value: name };
  const rule = `1 to ${LIMITS.channelNameMaxLength} lower-case letters, digits, "-" and "_"`;
  if (name.length > LIMITS.channelNameMaxLength) return { problem: `At most ${LIMITS.channelNameMaxLength} characters: a channel name is ${rule}` };
  if (name !== name.toLowerCase() && isValidChannelName(name.toLowerCase())) return { problem: `Lower-case only: a channel name is ${rule}` };
  return { problem: `A channel name is ${rule}` };
}
