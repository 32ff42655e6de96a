/**
 * Mentions, parsed by the server so every client agrees: `@name` of an account that may read the
 * conversation (a channel's members, the two sides of a direct one), `@here` (the channel's
 * members online now) and `@channel` (all its members), the last allowed to admins always and to
 * others in channels of at most `channelMentionMaxMembers` members.
 */
import { nameKey } from '../protocol';
import type { PresenceManager } from './broker/broker';
import type { Resolved } from './conversations';
import type { IdentityStore } from './identity/identity-store';
import type { ChannelStore } from './store/channel-store';
import type { UserRecord } from './store/message-store';

/** At most this many distinct `@names` of a text are looked up; a text cannot make the server look up thousands. */
const MAX_NAMES_LOOKED_UP = 20;
/** `@` at the start or after anything but a name character, then a name (its trailing dots are punctuation). */
const MENTION = /(?<![A-Za-z0-9_.@-])@([A-Za-z0-9_.-]{1,32})/g;

export const HERE = '@here';
export const EVERYONE = '@channel';

export interface MentionResult {
  /** What the message carries as `mentions`: names as registered, then `@here`, `@channel`. */
  mentions?: string[];
  /** Who is mentioned, but the sender. */
  mentioned: number[];
}

/** The distinct words after an `@`, name keys, in order of appearance. */
export function mentionCandidates(text: string): string[] {
  const keys = new Set<string>();
  for (const match of text.matchAll(MENTION)) {
    const word = match[1]!.replace(/\.+$/, '');
    if (word.length > 0) keys.add(nameKey(word));
    if (keys.size >= MAX_NAMES_LOOKED_UP) break;
  }
  return [...keys];
}

export class Mentions {
  constructor(
    private readonly identity: IdentityStore,
    private readonly channels: ChannelStore,
    private readonly presence: PresenceManager,
    private readonly channelMentionMaxMembers: number,
  ) {}

  /** Who the text mentions in `target`, or 'not-allowed' for an `@channel` the sender may not use. */
  async resolve(sender: UserRecord, target: Resolved, text: string): Promise<MentionResult | 'not-allowed'> {
    if (!text.includes('@')) return { mentioned: [] };
    const candidates = mentionCandidates(text);
    if (candidates.length === 0) return { mentioned: [] };
    if (target.kind === 'direct') {
      const sides = [sender, target.with];
      const named = sides.filter((side, i) => candidates.includes(nameKey(side.name)) && (i === 0 || side.id !== sender.id));
      return this.result(sender, named.map((side) => side.name), named);
    }
    const members = await this.channels.members(target.channel);
    const byKey = new Map(members.map((member) => [nameKey(member.name), member]));
    const named = candidates.flatMap((key) => (key !== 'here' && key !== 'channel' && byKey.has(key) ? [byKey.get(key)!] : []));
    const labels = named.map((member) => member.name);
    const mentioned = new Map(named.map((member) => [member.id, member]));
    if (candidates.includes('here')) {
      labels.push(HERE);
      for (const member of members) {
        if (await this.presence.isOnline(nameKey(member.name))) mentioned.set(member.id, member);
      }
    }
    if (candidates.includes('channel')) {
      if (!(await this.mayMentionEveryone(sender, members.length))) return 'not-allowed';
      labels.push(EVERYONE);
      for (const member of members) mentioned.set(member.id, member);
    }
    return this.result(sender, labels, [...mentioned.values()]);
  }

  private async mayMentionEveryone(sender: UserRecord, memberCount: number): Promise<boolean> {
    if (this.channelMentionMaxMembers > 0 && memberCount <= this.channelMentionMaxMembers) return true;
    // The role as stored now, not as it was at hello.
    const account = await this.identity.accountByName(sender.name);
    return account !== undefined && account.id === sender.id && account.admin && !account.disabled;
  }

  private result(sender: UserRecord, labels: string[], mentioned: UserRecord[]): MentionResult {
    return {
      ...(labels.length > 0 ? { mentions: labels } : {}),
      mentioned: mentioned.filter((user) => user.id !== sender.id).map((user) => user.id),
    };
  }
}
