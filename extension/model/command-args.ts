/**
 * What a command was invoked with, as the conversation it names. VS Code hands a command
 * whatever its caller has: a tree row's own command passes a user name, the view toolbar the
 * focused tree node (a TreeRow: a person or #general), the editor context menu the document's
 * URI, the palette nothing, and other extensions may pass a conversation (in today's form or,
 * from older callers, `{kind:'group'}` / `{kind:'private',with}`). Anything unrecognised is
 * undefined, so the command asks instead of failing.
 */
import { isValidName } from '../../protocol/limits';
import { conversationSchema } from '../webview-protocol';
import { direct, upgradeSavedConversation, type Conversation } from './address';
import type { TreeRow } from './tree-rows';

export function conversationArg(arg: unknown): Conversation | undefined {
  if (typeof arg === 'string') return isValidName(arg) ? direct(arg) : undefined;
  if (isUserRow(arg)) return direct(arg.name);
  if (isConversationRow(arg)) return conversationArg(arg.conversation);
  const parsed = conversationSchema.safeParse(upgradeSavedConversation(arg));
  return parsed.success ? parsed.data : undefined;
}

function isUserRow(arg: unknown): arg is Extract<TreeRow, { kind: 'user' }> {
  if (typeof arg !== 'object' || arg === null) return false;
  const { name, online, self } = arg as Partial<Record<'name' | 'online' | 'self', unknown>>;
  return typeof name === 'string' && isValidName(name) && typeof online === 'boolean' && typeof self === 'boolean';
}

function isConversationRow(arg: unknown): arg is { kind: 'conversation'; conversation: unknown } {
  return typeof arg === 'object' && arg !== null && (arg as { kind?: unknown }).kind === 'conversation' && 'conversation' in arg;
}
