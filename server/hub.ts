/**
 * The connections of this server process, by user and device, and the local half of fan-out:
 * every broker event is framed once here and the same frame is queued on each recipient's
 * socket. A user may be connected from several devices at once.
 */
import type { BrokerEvent, DisconnectEvent, FrameEvent } from './broker/broker';
import type { Connection } from './connection';
import { wireTextFrame } from './outbound';

export class Hub {
  /** By user key; each user's connections, one per device. */
  private readonly byKey = new Map<string, Connection[]>();

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
    const current = this.byKey.get(key) ?? [];
    const formerOwner = current.filter((other) => other.user!.id !== connection.user!.id);
    const sameDevice = current.find((other) => other.user!.id === connection.user!.id && other.deviceId === connection.deviceId);
    const kept = current.filter((other) => !formerOwner.includes(other) && other !== sameDevice);
    this.byKey.set(key, [...kept, connection]);
    return { ...(sameDevice ? { sameDevice } : {}), formerOwner };
  }

  /** Removes the connection if it is still registered. Returns true when it was its user's last one here. */
  unregister(key: string, connection: Connection): boolean {
    const current = this.byKey.get(key);
    if (!current?.includes(connection)) return false;
    const rest = current.filter((other) => other !== connection);
    if (rest.length > 0) {
      this.byKey.set(key, rest);
      return false;
    }
    this.byKey.delete(key);
    return true;
  }

  /** Whether the user has a connection here. */
  has(key: string): boolean {
    return this.byKey.has(key);
  }

  readonly deliver = (event: BrokerEvent): void => {
    if (event.disconnect) {
      this.disconnect(event);
      return;
    }
    const frame = wireTextFrame(event.payload);
    const audience = event.audience;
    if (audience.kind === 'everyone') {
      for (const [key, connections] of this.byKey) {
        if (key !== audience.except) this.deliverTo(connections, frame, event);
      }
    } else {
      for (const key of audience.keys) {
        const connections = this.byKey.get(key);
        if (connections) this.deliverTo(connections, frame, event);
      }
    }
  };

  private deliverTo(connections: readonly Connection[], frame: string, event: FrameEvent): void {
    const exceptDevice = event.audience.exceptDevice;
    for (const connection of connections) {
      if (exceptDevice === undefined || connection.deviceId !== exceptDevice) connection.deliver(frame, event);
    }
  }

  private disconnect({ audience, disconnect }: DisconnectEvent): void {
    for (const key of audience.keys) {
      for (const connection of this.byKey.get(key) ?? []) {
        const matches = connection.user?.id === disconnect.userId && (disconnect.deviceId === undefined || connection.deviceId === disconnect.deviceId);
        if (matches) connection.close(disconnect.code, disconnect.reason);
      }
    }
  }
}
