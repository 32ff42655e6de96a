/**
 * The fan-out seam, split the way Centrifuge splits its engine: a Broker carries events to
 * wherever the recipients are connected, a PresenceManager knows who is online. Both live in
 * memory today; a Redis implementation lets several servers share them later.
 */

/**
 * Who an event is for, by name key (lower-cased name). `exceptDevice` leaves out the device it
 * came from: what a user sends reaches their other devices, not the one that sent it.
 */
export type Audience =
  | { kind: 'everyone'; except?: string; exceptDevice?: number }
  | { kind: 'users'; keys: readonly string[]; exceptDevice?: number };

/** What goes through the broker: a frame for an audience, or the order to disconnect one. */
export type BrokerEvent = FrameEvent | DisconnectEvent;

export interface FrameEvent {
  audience: Audience;
  /** The server-to-client frame, already serialised: it is serialised once for all recipients. */
  payload: string;
  /** The seq of a chat message, so a connection still being welcomed can skip what its welcome holds. */
  seq?: number;
  /** May wait a few milliseconds to go out with others (presence): see LAZY_FLUSH_MS. */
  lazy?: boolean;
  disconnect?: never;
}

/**
 * Control, not chat: close the connections of these users that belong to `userId` (and to
 * `deviceId`, when given): a released name, a revoked device. A newer owner of the name stays.
 */
export interface DisconnectEvent {
  audience: { kind: 'users'; keys: readonly string[] };
  disconnect: { userId: number; deviceId?: number; code: number; reason: string };
}

export interface Broker {
  publish(event: BrokerEvent): void;
  /** Every event published anywhere reaches every subscriber (one per server process). */
  subscribe(handler: (event: BrokerEvent) => void): () => void;
}

export interface PresenceManager {
  /** Marks a user online. Resolves true when they were offline before. */
  join(key: string, name: string): Promise<boolean>;
  /** Marks a user offline. Resolves true when they were online before. */
  leave(key: string): Promise<boolean>;
  /** Whether the user is online, on any node. */
  isOnline(key: string): Promise<boolean>;
  /** Display names of everyone online, ordered by key (code unit order), as the welcome lists them. */
  online(): Promise<string[]>;
}
