/**
 * Unread counts per conversation. A conversation whose panel is visible never counts: it is
 * being read. The first unread message is remembered so a panel can draw its "new messages"
 * divider there when it is shown.
 */
interface UnreadState {
  count: number;
  firstKey: string;
}

export class UnreadCounter {
  private readonly unread = new Map<string, UnreadState>();
  private readonly visible = new Set<string>();

  /** Returns true when the message was counted as unread. */
  noteIncoming(conversationKey: string, entryKey: string): boolean {
    if (this.visible.has(conversationKey)) return false;
    const state = this.unread.get(conversationKey);
    if (state) state.count++;
    else this.unread.set(conversationKey, { count: 1, firstKey: entryKey });
    return true;
  }

  /** Showing a conversation reads it; returns where its unread messages began, if any. */
  show(conversationKey: string): string | undefined {
    this.visible.add(conversationKey);
    const firstKey = this.unread.get(conversationKey)?.firstKey;
    this.unread.delete(conversationKey);
    return firstKey;
  }

  hide(conversationKey: string): void {
    this.visible.delete(conversationKey);
  }

  count(conversationKey: string): number {
    return this.unread.get(conversationKey)?.count ?? 0;
  }

  total(): number {
    let total = 0;
    for (const { count } of this.unread.values()) total += count;
    return total;
  }

  /** Keys of conversations that have unread messages. */
  conversations(): string[] {
    return [...this.unread.keys()];
  }
}
