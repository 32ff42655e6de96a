/**
 * The channels muted on this device, per server: kept in the extension's global state (a
 * key-value store, VS Code's Memento), so muting follows the user across windows but is not
 * something the server or other devices know.
 */
import { Emitter } from './signal';

/** The part of VS Code's Memento this needs. */
export interface KeyValueStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

const STORE_KEY = 'relayChat.mutedChannels';

export class MutedChannels {
  private readonly changed = new Emitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly store: KeyValueStore) {}

  isMuted(server: string | undefined, channel: string): boolean {
    return server !== undefined && this.keys().includes(muteKey(server, channel));
  }

  async setMuted(server: string, channel: string, muted: boolean): Promise<void> {
    const key = muteKey(server, channel);
    const others = this.keys().filter((k) => k !== key);
    await this.store.update(STORE_KEY, muted ? [...others, key] : others);
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }

  /** Only strings count: whatever else an older or foreign value holds is ignored. */
  private keys(): string[] {
    const stored = this.store.get<unknown>(STORE_KEY);
    return Array.isArray(stored) ? stored.filter((k): k is string => typeof k === 'string') : [];
  }
}

/** A server URL has no newline; a channel name neither. */
function muteKey(server: string, channel: string): string {
  return `${server}\n${channel}`;
}
