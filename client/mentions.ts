/**
 * Whether a message mentions the user, by the `mentions` list the server parsed (so every client
 * agrees): their own name as registered, `@here` (they were online, since it reached them live)
 * or `@channel`.
 */
import { nameKey, type ChatMessage } from '../protocol';

export const MENTION_HERE = '@here';
export const MENTION_CHANNEL = '@channel';

export function mentionsMe(message: Pick<ChatMessage, 'mentions'>, self: string): boolean {
  const me = nameKey(self);
  return (message.mentions ?? []).some((mention) => mention === MENTION_HERE || mention === MENTION_CHANNEL || nameKey(mention) === me);
}
