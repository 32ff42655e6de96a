/**
 * The identity seam: accounts and the devices signed in to them. The embedded SQLite store
 * implements it beside the message store; a server database can implement it later, so every
 * method is asynchronous.
 */
import type { UserRecord } from '../store/message-store';

export interface Account extends UserRecord {
  admin: boolean;
  /** Whether a password is set (the hash itself never leaves the store). */
  hasPassword: boolean;
}

export interface Device {
  id: number;
  /** What the user called it ("VS Code on laptop"); v1 sessions became "first device". */
  label: string;
  createdAt: number;
  lastSeenAt: number;
}

export type ClaimResult =
  /** A new account, signed in on a new device whose token is given to the client once. */
  | { status: 'created'; account: Account; device: Device; token: string }
  /** The token presented is one of this account's devices. */
  | { status: 'verified'; account: Account; device: Device; token: string }
  | { status: 'taken' };

export interface IdentityStore {
  /**
   * Registers a free name with a first device, or verifies a device token of a taken one,
   * atomically, so two clients cannot both create the same name.
   */
  claimName(name: string, token: string | undefined, deviceLabel: string): Promise<ClaimResult>;
  /** The account with this name, any case. */
  accountByName(name: string): Promise<Account | undefined>;
  /** Deletes the account and signs out its devices. Resolves with it, or undefined when unknown. */
  removeAccount(name: string): Promise<Account | undefined>;
  /** A stable random id of this installation, the same for every node that shares the store. */
  serverId(): Promise<string>;
}
