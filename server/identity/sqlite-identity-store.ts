/** The embedded identity store: accounts and devices in the SQLite database the message store uses too. */
import type Database from 'better-sqlite3';
import { nameKey } from '../../protocol';
import type { UserRecord } from '../store/message-store';
import type { Account, Device, IdentityStore, Invite, RegisterRefusal, SignedInDevice } from './identity-store';
import { newInviteCode, newToken, tokenHash } from './secrets';

interface AccountRow {
  id: number;
  name: string;
  admin: number;
  password_hash: string | null;
  disabled: number;
}

interface DeviceRow {
  id: number;
  label: string;
  created_at: number;
  last_seen_at: number;
}

interface InviteRow {
  id: number;
  uses_left: number;
  expires_at: number;
  created_at: number;
}

function toInvite(row: InviteRow): Invite {
  return { id: row.id, usesLeft: row.uses_left, expiresAt: row.expires_at, createdAt: row.created_at };
}

const INVITE_COLUMNS = 'id, uses_left, expires_at, created_at';

function toAccount(row: AccountRow): Account {
  return { id: row.id, name: row.name, admin: row.admin === 1, hasPassword: row.password_hash !== null, disabled: row.disabled === 1 };
}

function toDevice(row: DeviceRow): Device {
  return { id: row.id, label: row.label, createdAt: row.created_at, lastSeenAt: row.last_seen_at };
}

const ACCOUNT_COLUMNS = 'id, name, admin, password_hash, disabled';
/** Names userByName remembers; past it the longest-held is forgotten first. */
const REMEMBERED_USERS = 10_000;
const DEVICE_COLUMNS = 'id, label, created_at, last_seen_at';

export class SqliteIdentityStore implements IdentityStore {
  private readonly statements;
  /**
   * userByName's answers by name key. Only this process writes the file while a server runs (the
   * command line goes through its control socket), and only removeAccount ends a name's record.
   */
  private readonly users = new Map<string, UserRecord>();

  constructor(private readonly db: Database.Database) {
    this.statements = {
      accountByKey: db.prepare<[string], AccountRow>(`SELECT ${ACCOUNT_COLUMNS} FROM users WHERE key = ?`),
      insertAccount: db.prepare<[string, string, string | null, number], AccountRow>(
        `INSERT INTO users (name, key, password_hash, created_at) VALUES (?, ?, ?, ?) RETURNING ${ACCOUNT_COLUMNS}`,
      ),
      insertAdminMade: db.prepare<[string, string, string, number, number], AccountRow>(
        `INSERT INTO users (name, key, password_hash, admin, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (key) DO NOTHING RETURNING ${ACCOUNT_COLUMNS}`,
      ),
      allAccounts: db.prepare<[], AccountRow & { created_at: number; devices: number }>(
        `SELECT ${ACCOUNT_COLUMNS.split(', ').map((column) => `u.${column}`).join(', ')}, u.created_at,
           (SELECT COUNT(*) FROM devices d WHERE d.user_id = u.id) AS devices
         FROM users u ORDER BY u.key`,
      ),
      deviceOf: db.prepare<[number, string], DeviceRow>(`SELECT ${DEVICE_COLUMNS} FROM devices WHERE user_id = ? AND token_hash = ?`),
      spendInvite: db.prepare<[string, number], { id: number }>(
        'UPDATE invites SET uses_left = uses_left - 1 WHERE code_hash = ? AND uses_left > 0 AND expires_at > ? RETURNING id',
      ),
      insertInvite: db.prepare<[string, number, number, number], InviteRow>(
        `INSERT INTO invites (code_hash, uses_left, expires_at, created_at) VALUES (?, ?, ?, ?) RETURNING ${INVITE_COLUMNS}`,
      ),
      liveInvite: db.prepare<[string, number], { id: number }>(
        'SELECT id FROM invites WHERE code_hash = ? AND uses_left > 0 AND expires_at > ?',
      ),
      liveInvites: db.prepare<[number], InviteRow>(
        `SELECT ${INVITE_COLUMNS} FROM invites WHERE uses_left > 0 AND expires_at > ? ORDER BY id`,
      ),
      deleteInvite: db.prepare<[number], never>('DELETE FROM invites WHERE id = ?'),
      setPasswordHash: db.prepare<[string, number], unknown>('UPDATE users SET password_hash = ? WHERE id = ?'),
      insertDevice: db.prepare<[number, string, string, number, number], DeviceRow>(
        `INSERT INTO devices (user_id, token_hash, label, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?) RETURNING ${DEVICE_COLUMNS}`,
      ),
      devicesOf: db.prepare<[number], DeviceRow>(`SELECT ${DEVICE_COLUMNS} FROM devices WHERE user_id = ? ORDER BY id`),
      deleteDevice: db.prepare<[number, number], { id: number }>('DELETE FROM devices WHERE user_id = ? AND id = ? RETURNING id'),
      deleteDevices: db.prepare<[number], { id: number }>('DELETE FROM devices WHERE user_id = ? RETURNING id'),
      touchDevice: db.prepare<[number, number], unknown>('UPDATE devices SET last_seen_at = ? WHERE id = ?'),
      setDisabled: db.prepare<[number, string], AccountRow>(`UPDATE users SET disabled = ? WHERE key = ? RETURNING ${ACCOUNT_COLUMNS}`),
      deleteAccount: db.prepare<[number], unknown>('DELETE FROM users WHERE id = ?'),
      serverId: db.prepare<[], { value: string }>(`SELECT value FROM meta WHERE key = 'server_id'`),
    };
  }

  async verifyDevice(name: string, token: string): Promise<{ account: Account; device: Device } | undefined> {
    const verify = this.db.transaction(() => {
      const account = this.statements.accountByKey.get(nameKey(name));
      // Looked up by the hash, an index probe: no comparison of secrets that timing could reveal.
      const device = account && this.statements.deviceOf.get(account.id, tokenHash(token));
      if (!account || !device) return undefined;
      const now = Date.now();
      this.statements.touchDevice.run(now, device.id);
      return { account: toAccount(account), device: toDevice({ ...device, last_seen_at: now }) };
    });
    return verify.immediate();
  }

  async register(
    name: string,
    passwordHash: string | undefined,
    deviceLabel: string,
    invite?: string,
  ): Promise<SignedInDevice | RegisterRefusal> {
    const register = this.db.transaction((): SignedInDevice | RegisterRefusal => {
      const now = Date.now();
      if (this.statements.accountByKey.get(nameKey(name))) return 'taken';
      if (invite !== undefined && !this.statements.spendInvite.get(tokenHash(invite), now)) return 'invite_invalid';
      const row = this.statements.insertAccount.get(name, nameKey(name), passwordHash ?? null, now);
      if (!row) throw new Error('insert into users returned no row');
      return this.signIn(toAccount(row), deviceLabel);
    });
    return register.immediate();
  }

  async createAccount(name: string, passwordHash: string, admin: boolean): Promise<Account | 'taken'> {
    const row = this.statements.insertAdminMade.get(name, nameKey(name), passwordHash, admin ? 1 : 0, Date.now());
    return row ? toAccount(row) : 'taken';
  }

  async accounts(): Promise<Array<Account & { devices: number; createdAt: number }>> {
    return this.statements.allAccounts.all().map((row) => ({ ...toAccount(row), devices: row.devices, createdAt: row.created_at }));
  }

  async createInvite(uses: number, expiresAt: number): Promise<{ invite: Invite; code: string }> {
    const code = newInviteCode();
    const row = this.statements.insertInvite.get(tokenHash(code), uses, expiresAt, Date.now())!;
    return { invite: toInvite(row), code };
  }

  async isInviteLive(code: string): Promise<boolean> {
    return this.statements.liveInvite.get(tokenHash(code), Date.now()) !== undefined;
  }

  async invites(): Promise<Invite[]> {
    return this.statements.liveInvites.all(Date.now()).map(toInvite);
  }

  async revokeInvite(id: number): Promise<boolean> {
    return this.statements.deleteInvite.run(id).changes > 0;
  }

  async addDevice(account: Account, deviceLabel: string): Promise<SignedInDevice> {
    return this.signIn(account, deviceLabel);
  }

  async credentials(name: string): Promise<{ account: Account; passwordHash: string | undefined } | undefined> {
    const row = this.statements.accountByKey.get(nameKey(name));
    return row ? { account: toAccount(row), passwordHash: row.password_hash ?? undefined } : undefined;
  }

  async setPasswordHash(account: Account, passwordHash: string): Promise<void> {
    this.statements.setPasswordHash.run(passwordHash, account.id);
  }

  async devices(account: Account): Promise<Device[]> {
    return this.statements.devicesOf.all(account.id).map(toDevice);
  }

  async revokeDevices(account: Account, which: readonly number[] | 'all'): Promise<number[]> {
    const revoke = this.db.transaction((): number[] => {
      if (which === 'all') return this.statements.deleteDevices.all(account.id).map((row) => row.id);
      return which.flatMap((id) => this.statements.deleteDevice.all(account.id, id).map((row) => row.id));
    });
    return revoke.immediate();
  }

  private signIn(account: Account, deviceLabel: string): SignedInDevice {
    const token = newToken();
    const now = Date.now();
    const row = this.statements.insertDevice.get(account.id, tokenHash(token), deviceLabel, now, now)!;
    return { account, device: toDevice(row), token };
  }

  async accountByName(name: string): Promise<Account | undefined> {
    const row = this.statements.accountByKey.get(nameKey(name));
    return row ? toAccount(row) : undefined;
  }

  async userByName(name: string): Promise<UserRecord | undefined> {
    const key = nameKey(name);
    const known = this.users.get(key);
    if (known) return known;
    const row = this.statements.accountByKey.get(key);
    if (!row) return undefined;
    if (this.users.size >= REMEMBERED_USERS) this.users.delete(this.users.keys().next().value!);
    const user: UserRecord = { id: row.id, name: row.name };
    this.users.set(key, user);
    return user;
  }

  async setDisabled(name: string, disabled: boolean): Promise<Account | undefined> {
    const row = this.statements.setDisabled.get(disabled ? 1 : 0, nameKey(name));
    return row ? toAccount(row) : undefined;
  }

  async removeAccount(name: string): Promise<Account | undefined> {
    const remove = this.db.transaction((): Account | undefined => {
      const row = this.statements.accountByKey.get(nameKey(name));
      if (!row) return undefined;
      this.statements.deleteAccount.run(row.id);
      return toAccount(row);
    });
    const removed = remove.immediate();
    this.users.delete(nameKey(name));
    return removed;
  }

  async serverId(): Promise<string> {
    const row = this.statements.serverId.get();
    if (!row) throw new Error('the database has no server id');
    return row.value;
  }
}
