/** Which conversation a message belongs to, and the stable key conversations are stored by. */
import { nameKey } from '../../protocol/limits';
import type { ConversationRef } from '../webview-protocol';

export const GROUP: ConversationRef = { kind: 'group' };

export function conversationKey(ref: ConversationRef): string {
  return ref.kind === 'group' ? 'group' : `private:${nameKey(ref.with)}`;
}

/** A private message belongs to the conversation with the other party (or with oneself: a note). */
export function conversationOf(message: { from: string; to?: string }, self: string): ConversationRef {
  if (message.to === undefined) return GROUP;
  const other = nameKey(message.from) === nameKey(self) ? message.to : message.from;
  return { kind: 'private', with: other };
}

export function sameName(a: string, b: string): boolean {
  return nameKey(a) === nameKey(b);
}
