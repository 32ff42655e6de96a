/**
 * Every conversation the extension shows is addressed as protocol/conversation.ts's
 * `Conversation` (`#general`, a direct one with a person, later other channels). What the
 * extension adds to that address lives here, once: comparing names, a conversation's title,
 * and reading back the addresses older
 * versions saved (`{kind:'group'}`, `{kind:'private',with}`).
 */
import { GENERAL, conversationLabel, type Conversation } from '../../protocol/conversation';
import { nameKey } from '../../protocol/limits';

export {
  GENERAL,
  conversationKey,
  conversationLabel,
  conversationOfMessage,
  sameConversation,
  type Conversation,
} from '../../protocol/conversation';

export function direct(name: string): Conversation {
  return { kind: 'direct', with: name };
}

export function sameName(a: string, b: string): boolean {
  return nameKey(a) === nameKey(b);
}

/** `#general`; a direct conversation by the other person's name, or "(notes)" with oneself. */
export function conversationTitle(conversation: Conversation, self: string | undefined): string {
  if (conversation.kind === 'channel') return conversationLabel(conversation);
  return self !== undefined && sameName(conversation.with, self) ? `${conversation.with} (notes)` : conversation.with;
}

/**
 * Before channels, panels saved `{kind:'group'}` (now #general) and `{kind:'private',with}` (now
 * a direct conversation). Reads those as today's address; anything else is returned as it is,
 * for the schema to accept or refuse.
 */
export function upgradeSavedConversation(saved: unknown): unknown {
  if (typeof saved !== 'object' || saved === null) return saved;
  const { kind, with: other } = saved as { kind?: unknown; with?: unknown };
  if (kind === 'group') return GENERAL;
  if (kind === 'private') return { kind: 'direct', with: other };
  return saved;
}
