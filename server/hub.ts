/**
 * The connections of this server process, by user and device and by the channels they are
 * subscribed to, and the local half of fan-out: every broker event is framed once here and the
 * same frame is queued on each recipient's socket. A user may be connected from several devices
 * at once.
 *
 * The channel index holds only this node's connections, loaded from the store at welcome and
 * kept current by the membership events every node receives through the broker; it is never
 * asked who is a member.
 */
import type { BrokerEvent, DisconnectEvent, FrameEvent, SubscriptionEvent } from './broker/broker';
import type { Connection } from './connection';
import { wireTextFrame } from './outbound';

/** A user's connections here: one alone as it is (most users have one; an array each would be kept by every idle one), several as an array. */
type Here = Connection | readonly Connection[];

function listOf(here: Here | undefined): readonly Connection[] {
  if (here === undefined) return [];
  return Array.isArray(here) ? here : [here as Connection];
}

function hereOf(connections: readonly Connection[]): Here | undefined {
  return connections.length > 1 ? connections : connections[0];
}

export class Hub {
  /** By user key; each user's connections, one per device. */
  private readonly byKey = new Map<string, Here>();
  /** By channel id; the connections here subscribed to it. */
  private readonly byChannel = new Map<number, Set<Connection>>();
  /**
   * Connections whose subscriptions are being read from the store, with the membership changes
   * that arrived meanwhile, applied over what the store said once it answers.
   */
  private readonly loading = new Map<Connection, Array<{ channelId: number; subscribed: boolean }>>();

  /** Users with at least one connection here. */
  get size(): number {
    return this.byKey.size;
  }

  /**
   * Adds `connection` (already welcomed as its user and device). Returns what it displaces, for
   * the caller to close: the same device's older connection, and connections of another
   * account that held the name before it was released.
   */
  register(key: string, connection: Connection): { sameDevice?: Connection; formerOwner: Connection[] } {
    const current = listOf(this.byKey.get(key));
    const formerOwner = current.filter((other) => other.user!.id !== connection.user!.id);
    const sameDevice = current.find((other) => other.user!.id === connection.user!.id && other.deviceId === connection.deviceId);
    const kept = current.filter((other) => !formerOwner.includes(other) && other !== sameDevice);
    this.byKey.set(key, hereOf([...kept, connection])!);
    return { ...(sameDevice ? { sameDevice } : {}), formerOwner };
  }

  /** Removes the connection if it is still registered. Returns true when it was its user's last one here. */
  unregister(key: string, connection: Connection): boolean {
    this.loading.delete(connection);
    for (const channelId of connection.channels) this.unsubscribe(connection, channelId);
    const current = listOf(this.byKey.get(key));
    if (!current.includes(connection)) return false;
    const rest = hereOf(current.filter((other) => other !== connection));
    if (rest !== undefined) {
      this.byKey.set(key, rest);
      return false;
    }
    this.byKey.delete(key);
    return true;
  }

  /** Every connection registered here. */
  *connections(): Generator<Connection> {
    for (const here of this.byKey.values()) yield* listOf(here);
  }

  /** Whether the user has a connection here. */
  has(key: string): boolean {
    return this.byKey.has(key);
  }

  /** From now until `subscribe`, membership changes for this connection are kept for it. */
  beginLoading(connection: Connection): void {
    this.loading.set(connection, []);
  }

  /** Subscribes the connection to these channels, and to what changed since beginLoading. */
  subscribe(connection: Connection, channelIds: readonly number[]): void {
    const changes = this.loading.get(connection) ?? [];
    this.loading.delete(connection);
    // Closed meanwhile: the hub has let go of it already, and must not take it back.
    if (!connection.isOpen) return;
    for (const channelId of channelIds) this.setSubscribed(connection, channelId, true);
    for (const change of changes) this.setSubscribed(connection, change.channelId, change.subscribed);
  }

  readonly deliver = (event: BrokerEvent): void => {
    if (event.disconnect) {
      this.disconnect(event);
      return;
    }
    if (event.subscription) {
      this.changeSubscriptions(event);
      return;
    }
    const frame = wireTextFrame(event.payload);
    const audience = event.audience;
    if (audience.kind === 'everyone') {
      for (const [key, here] of this.byKey) {
        if (key !== audience.except) this.deliverTo(here, frame, event);
      }
    } else if (audience.kind === 'channel') {
      const connections = this.byChannel.get(audience.channelId);
      if (!connections) return;
      for (const connection of connections) {
        if (audience.except !== undefined && connection.key === audience.except) continue;
        if (audience.v2Only && connection.protocol < 2) continue;
        if (audience.exceptDevice === undefined || connection.deviceId !== audience.exceptDevice) connection.deliver(frame, event);
      }
    } else {
      for (const key of audience.keys) {
        const here = this.byKey.get(key);
        if (here) this.deliverTo(here, frame, event);
      }
    }
  };

  private deliverTo(here: Here, frame: string, event: FrameEvent): void {
    const exceptDevice = event.audience.exceptDevice;
    // The common case, one device, without making a list.
    if (!Array.isArray(here)) {
      const connection = here as Connection;
      if (exceptDevice === undefined || connection.deviceId !== exceptDevice) connection.deliver(frame, event);
      return;
    }
    for (const connection of here) {
      if (exceptDevice === undefined || connection.deviceId !== exceptDevice) connection.deliver(frame, event);
    }
  }

  private changeSubscriptions({ audience, subscription }: SubscriptionEvent): void {
    const { channelId, subscribed } = subscription;
    if (audience.kind === 'channel') {
      // Archived: nothing more is said in it, so nobody here stays subscribed.
      for (const connection of [...(this.byChannel.get(channelId) ?? [])]) this.unsubscribe(connection, channelId);
      for (const changes of this.loading.values()) changes.push({ channelId, subscribed: false });
      return;
    }
    for (const key of audience.keys) {
      for (const connection of listOf(this.byKey.get(key))) {
        // v1 connections see #general only, whose membership never changes.
        if (connection.protocol < 2 || connection.user?.id !== subscription.userId) continue;
        const changes = this.loading.get(connection);
        if (changes) changes.push({ channelId, subscribed });
        else this.setSubscribed(connection, channelId, subscribed);
      }
    }
  }

  private setSubscribed(connection: Connection, channelId: number, subscribed: boolean): void {
    if (!subscribed) {
      this.unsubscribe(connection, channelId);
      return;
    }
    let connections = this.byChannel.get(channelId);
    if (!connections) this.byChannel.set(channelId, (connections = new Set()));
    connections.add(connection);
    if (!connection.channels.includes(channelId)) connection.channels = [...connection.channels, channelId];
  }

  private unsubscribe(connection: Connection, channelId: number): void {
    if (connection.channels.includes(channelId)) connection.channels = connection.channels.filter((id) => id !== channelId);
    const connections = this.byChannel.get(channelId);
    if (!connections) return;
    connections.delete(connection);
    if (connections.size === 0) this.byChannel.delete(channelId);
  }

  private disconnect({ audience, disconnect }: DisconnectEvent): void {
    for (const key of audience.keys) {
      for (const connection of listOf(this.byKey.get(key))) {
        const matches =
          connection.user?.id === disconnect.userId &&
          (disconnect.deviceId === undefined || connection.deviceId === disconnect.deviceId) &&
          connection.id !== disconnect.sparing;
        if (matches) connection.close(disconnect.code, disconnect.reason);
      }
    }
  }
}
