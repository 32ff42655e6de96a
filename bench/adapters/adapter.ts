/**
 * What the load generator needs from a target: open one client, send a chat message, hear
 * deliveries. Each target gets one small adapter; everything else in the generator is shared.
 */
export interface ClientEvents {
  /**
   * The target accepted the client and it may send (Relay: welcome; minimal relay: open;
   * Socket.IO: connect). `requestSentAt` is when the target-specific join request left (Relay:
   * the hello); without it the join is measured from the start of the connection.
   */
  ready(requestSentAt?: number): void;
  /** Any frame arrived (used to tell when the traffic has settled). */
  frame(): void;
  /** A chat message from another client arrived; `text` contains the stamp. */
  delivery(text: string): void;
  /** Something a well-behaved target never does (an error frame, a malformed frame). */
  problem(description: string): void;
  /** The connection ended (or could not be made); `description` says how. */
  closed(description: string): void;
  /** With `nodes`: the connection dropped and the client is ready again on another node. */
  reconnected(): void;
}

export interface OpenOptions {
  url: string;
  client: number;
  /** In the private-pairs scenario, the one client this one talks to. */
  peer: number | undefined;
  /** In the channels scenario, the channels this client is in (it joins them before it is ready). */
  channels?: readonly string[];
  /**
   * In the cluster scenario: every node's URL, `url` first. When the connection drops the client
   * connects to the next one, as a real client given a node list does, and never reports `closed`
   * for that.
   */
  nodes?: readonly string[];
}

export interface BenchClient {
  /** Sends a chat message with the client's own unique `id`, to `to` only when given, or to `channel`. */
  say(id: string, text: string, to: number | undefined, channel?: string): void;
  close(): void;
}

export interface TargetAdapter {
  open(options: OpenOptions, events: ClientEvents): BenchClient;
  /** Whether it can be in several channels at once (the channels scenario). */
  channels?: boolean;
}

/** Client names are unique per benchmark run and valid Relay names. */
export function clientName(client: number): string {
  return `u${client}`;
}
