/**
 * Who is typing where. Clients repeat `typing` about every 2 s while typing, so a name is
 * dropped after a few seconds without news, or as soon as that person's message arrives.
 */
import { nameKey } from '../../protocol/limits';

const TYPING_TIMEOUT_MS = 5000;

export class TypingTracker {
  private readonly typing = new Map<string, Map<string, { name: string; timer: NodeJS.Timeout }>>();

  constructor(private readonly onChange: (conversationKey: string) => void) {}

  note(conversationKey: string, name: string): void {
    let names = this.typing.get(conversationKey);
    if (!names) this.typing.set(conversationKey, (names = new Map()));
    const key = nameKey(name);
    const existing = names.get(key);
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => this.stop(conversationKey, name), TYPING_TIMEOUT_MS);
    timer.unref();
    names.set(key, { name, timer });
    if (!existing) this.onChange(conversationKey);
  }

  stop(conversationKey: string, name: string): void {
    const names = this.typing.get(conversationKey);
    const entry = names?.get(nameKey(name));
    if (!names || !entry) return;
    clearTimeout(entry.timer);
    names.delete(nameKey(name));
    if (names.size === 0) this.typing.delete(conversationKey);
    this.onChange(conversationKey);
  }

  names(conversationKey: string): string[] {
    return [...(this.typing.get(conversationKey)?.values() ?? [])].map(({ name }) => name);
  }

  clear(): void {
    const keys = [...this.typing.keys()];
    for (const names of this.typing.values()) for (const { timer } of names.values()) clearTimeout(timer);
    this.typing.clear();
    for (const key of keys) this.onChange(key);
  }
}
