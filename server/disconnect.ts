/** Closing an account's live connections with 4004 wherever they are connected, through the broker. */
import { CloseCode, nameKey } from '../protocol';
import type { Broker } from './broker/broker';
import type { UserRecord } from './store/message-store';

export const DISABLED_REASON = 'this account was disabled';

/** Closes the connections of these devices of the account, or of all of them with 'all'; a newer owner of the name stays. */
export function closeDevices(broker: Broker, account: UserRecord, deviceIds: readonly number[] | 'all', reason: string): void {
  const audience = { kind: 'users' as const, keys: [nameKey(account.name)] };
  for (const deviceId of deviceIds === 'all' ? [undefined] : deviceIds) {
    broker.publish({
      audience,
      disconnect: { userId: account.id, ...(deviceId !== undefined ? { deviceId } : {}), code: CloseCode.SignedOut, reason },
    });
  }
}
