/**
 * What a command was invoked with, as the conversation it names. VS Code hands a command
 * whatever its caller has: a tree row's own command passes a user name, the view toolbar the
 * focused tree node (a UserEntry), the editor context menu the document's URI, the palette
 * nothing, and other extensions may pass a conversation. Anything unrecognised is undefined,
 * so the command asks instead of failing.
 */
import { isValidName } from '../../protocol/limits';
import { conversationRef, type ConversationRef } from '../webview-protocol';
import type { UserEntry } from './chat-model';

export function conversationArg(arg: unknown): ConversationRef | undefined {
  if (typeof arg === 'string') return isValidName(arg) ? { kind: 'private', with: arg } : undefined;
  if (isUserEntry(arg)) return { kind: 'private', with: arg.name };
  const parsed = conversationRef.safeParse(arg);
  if (!parsed.success) return undefined;
  const ref = parsed.data;
  return ref.kind === 'group' || isValidName(ref.with) ? ref : undefined;
}

function isUserEntry(arg: unknown): arg is UserEntry {
  if (typeof arg !== 'object' || arg === null) return false;
  const { name, online, self } = arg as Partial<Record<keyof UserEntry, unknown>>;
  return typeof name === 'string' && isValidName(name) && typeof online === 'boolean' && typeof self === 'boolean';
}
