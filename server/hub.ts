/**
 * The connections of this server process, by user, and the local half of fan-out: every
 * broker event is framed once here and the same frame is queued on each recipient's socket.
 */
import type { BrokerEvent, DisconnectEvent } from './broker/broker';
import type { Connection } from './connection';
import { wireTextFrame } from './outbound';

export class Hub {
  private readonly byKey = new Map<string, Connection>();

  get size(): number {
    return this.byKey.size;
  }

  /** Makes `connection` the user's only one here. Returns the one it displaced, for the caller to close. */
  register(key: string, connection: Connection): Connection | undefined {
    const previous = this.byKey.get(key);
    this.byKey.set(key, connection);
    return previous !== connection ? previous : undefined;
  }

  /** Removes the user's connection if it is still this one. Returns true when it was. */
  unregister(key: string, connection: Connection): boolean {
    if (this.byKey.get(key) !== connection) return false;
    this.byKey.delete(key);
    return true;
  }

  get(key: string): Connection | undefined {
    return this.byKey.get(key);
  }

  readonly deliver = (event: BrokerEvent): void => {
    if (event.disconnect) {
      this.disconnect(event);
      return;
    }
    const frame = wireTextFrame(event.payload);
    const audience = event.audience;
    if (audience.kind === 'everyone') {
      for (const [key, connection] of this.byKey) {
        if (key !== audience.except) connection.deliver(frame, event);
      }
    } else {
      for (const key of audience.keys) this.byKey.get(key)?.deliver(frame, event);
    }
  };

  private disconnect({ audience, disconnect }: DisconnectEvent): void {
    for (const key of audience.keys) {
      const connection = this.byKey.get(key);
      if (connection?.user?.id === disconnect.userId) connection.close(disconnect.code, disconnect.reason);
    }
  }
}
