/**
 * The identity seam: accounts and the devices signed in to them. The embedded SQLite store
 * implements it beside the message store; a server database can implement it later, so every
 * method is asynchronous. Device tokens are kept only as hashes (secrets.ts), passwords only as
 * scrypt hashes (passwords.ts).
 */
import type { UserRecord } from '../store/message-store';

export interface Account extends UserRecord {
  admin: boolean;
  /** Whether a password is set (the hash itself never leaves the store but through credentials()). */
  hasPassword: boolean;
  /** Disabled by an administrator: it keeps its name and devices but cannot sign in until enabled. */
  disabled: boolean;
}

export interface Device {
  id: number;
  /** What the user called it ("VS Code on laptop"); v1 sessions became "first device". */
  label: string;
  createdAt: number;
  lastSeenAt: number;
}

/** A device just signed in; `token` is given to the client once and never stored. */
export interface SignedInDevice {
  account: Account;
  device: Device;
  token: string;
}

export interface Invite {
  id: number;
  usesLeft: number;
  expiresAt: number;
  createdAt: number;
}

/** Why a registration did not happen. */
export type RegisterRefusal = 'taken' | 'invite_invalid';

export interface IdentityStore {
  /** The device of account `name` whose token this is (its last-seen time refreshed), if any. */
  verifyDevice(name: string, token: string): Promise<{ account: Account; device: Device } | undefined>;
  /**
   * Creates the account with a first device, atomically. With `invite`, the code must be a live
   * invite, and one of its uses is spent only when the account is created.
   */
  register(
    name: string,
    passwordHash: string | undefined,
    deviceLabel: string,
    invite?: string,
  ): Promise<SignedInDevice | RegisterRefusal>;
  /** An account made by an administrator: no device yet; its owner signs in with the password. */
  createAccount(name: string, passwordHash: string, admin: boolean): Promise<Account | 'taken'>;
  /** Every account, by name, with how many devices are signed in. */
  accounts(): Promise<Array<Account & { devices: number; createdAt: number }>>;
  /** A new invite code (given out once; only its hash is kept). */
  createInvite(uses: number, expiresAt: number): Promise<{ invite: Invite; code: string }>;
  /** Whether this code is an invite with uses left and not expired. */
  isInviteLive(code: string): Promise<boolean>;
  /** Invites that can still be used. */
  invites(): Promise<Invite[]>;
  revokeInvite(id: number): Promise<boolean>;
  /** Signs the account in on one more device. */
  addDevice(account: Account, deviceLabel: string): Promise<SignedInDevice>;
  /** The account and its password hash, for checking a password. */
  credentials(name: string): Promise<{ account: Account; passwordHash: string | undefined } | undefined>;
  setPasswordHash(account: Account, passwordHash: string): Promise<void>;
  /** The account's signed-in devices, oldest first. */
  devices(account: Account): Promise<Device[]>;
  /** Signs out these devices of the account (all, with 'all'); resolves with the ids it signed out. */
  revokeDevices(account: Account, which: readonly number[] | 'all'): Promise<number[]>;
  /** The account with this name, any case. */
  accountByName(name: string): Promise<Account | undefined>;
  /**
   * The id and name of the account with this name, any case: all that addressing a conversation
   * needs (every private say asks). They never change while the account exists, so a store that
   * alone writes its accounts may answer from memory.
   */
  userByName(name: string): Promise<UserRecord | undefined>;
  /** Disables or enables the account with this name, any case. Resolves with it as it is now, or undefined when unknown. */
  setDisabled(name: string, disabled: boolean): Promise<Account | undefined>;
  /** Deletes the account and signs out its devices. Resolves with it, or undefined when unknown. */
  removeAccount(name: string): Promise<Account | undefined>;
  /** A stable random id of this installation, the same for every node that shares the store. */
  serverId(): Promise<string>;
}
