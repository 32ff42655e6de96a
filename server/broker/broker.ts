/**
 * The fan-out seam, split the way Centrifuge splits its engine: a Broker carries events to
 * wherever the recipients are connected, a PresenceManager knows who is online. Both live in
 * memory for one process (memory-broker.ts); over Redis for several nodes (redis-broker.ts,
 * redis-presence.ts).
 */

/**
 * Who an event is for. A conversation has exactly one audience (see audienceOf in
 * server/conversations.ts): a channel is its members, by channel id, so a rename changes nothing
 * in flight; a direct conversation is its two sides, by name key (lower-cased name); presence is
 * for everyone. `except` leaves a user out (typing does not come back to the typist);
 * `exceptDevice` the device it came from: what a user sends reaches their other devices, not the
 * one that sent it. `v2Only` leaves out v1 connections (channel events, which they do not know).
 */
export type Audience =
  | { kind: 'everyone'; except?: string; exceptDevice?: number }
  | { kind: 'users'; keys: readonly string[]; exceptDevice?: number }
  | { kind: 'channel'; channelId: number; except?: string; exceptDevice?: number; v2Only?: boolean };

export type WelcomePart = 'users' | 'conversations';

/** What goes through the broker: a frame for an audience, the order to disconnect one, or a membership change. */
export type BrokerEvent = FrameEvent | DisconnectEvent | SubscriptionEvent;

export interface FrameEvent {
  audience: Audience;
  /** The server-to-client frame, already serialised: it is serialised once for all recipients. */
  payload: string;
  /** The seq of a chat message, so a connection still being welcomed can skip what its welcome holds. */
  seq?: number;
  /** May wait a few milliseconds to go out with others (presence): see LAZY_FLUSH_MS. */
  lazy?: boolean;
  /**
   * The part of a welcome that this (seq-less) event changes: `users` (presence), or
   * `conversations` (channel events, read positions). A connection being welcomed passes it on
   * after its welcome when it arrived once that part was being read; seq-less events without it
   * (typing) are dropped there.
   */
  welcomePart?: WelcomePart;
  disconnect?: never;
  subscription?: never;
}

/**
 * Control, not chat: close the connections of these users that belong to `userId` (and to
 * `deviceId`, when given): a released name, a revoked device, a device that connected again
 * elsewhere (4002; `sparing` is the id of that newer connection, which stays). A newer owner
 * of the name stays.
 */
export interface DisconnectEvent {
  audience: { kind: 'users'; keys: readonly string[] };
  disconnect: { userId: number; deviceId?: number; code: number; reason: string; sparing?: string };
  subscription?: never;
}

/**
 * Control: membership changed, so every node's hub changes which of its own (protocol 2)
 * connections a channel's messages reach. For a user who joined or left (`userId`, their
 * connections by key), or for a whole channel that was archived (audience `channel`).
 */
export interface SubscriptionEvent {
  audience: { kind: 'users'; keys: readonly string[] } | { kind: 'channel'; channelId: number };
  subscription: { channelId: number; userId?: number; subscribed: boolean };
  disconnect?: never;
}

export interface Broker {
  publish(event: BrokerEvent): void;
  /** Every event published anywhere reaches every subscriber (one per server process). */
  subscribe(handler: (event: BrokerEvent) => void): () => void;
  /**
   * Called when this node is subscribed again after a gap (a lost connection to Redis), during
   * which events published elsewhere may have been missed: the server then reads the messages
   * it missed from the store. A broker that cannot miss events never calls it.
   */
  onResubscribed?(listener: () => void): () => void;
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
  /**
   * Changes that no join or leave on this node made, for the server to announce: the users of
   * a node that died, gone offline; this node's users, back after its entry had expired.
   */
  onChange?(listener: (change: PresenceChange) => void): () => void;
}

export interface PresenceChange {
  key: string;
  name: string;
  online: boolean;
}
