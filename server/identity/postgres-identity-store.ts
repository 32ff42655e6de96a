/** The identity store on PostgreSQL: accounts and devices in the database the PostgreSQL message store uses too. */
import type pg from 'pg';
import { nameKey } from '../../protocol';
import type { UserRecord } from '../store/message-store';
import { joinGeneral } from '../store/postgres/postgres-channel-store';
import { query, transaction, type Queryable } from '../store/postgres/postgres-pool';
import type { Account, Device, IdentityStore, Invite, RegisterRefusal, SignedInDevice } from './identity-store';
import { newInviteCode, newToken, tokenHash } from './secrets';

interface AccountRow {
  id: number;
  name: string;
  admin: boolean;
  password_hash: string | null;
  disabled: boolean;
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

const ACCOUNT_COLUMNS = 'u.id, u.name, u.admin, u.password_hash, u.disabled';
const DEVICE_COLUMNS = 'd.id, d.label, d.created_at, d.last_seen_at';
const INVITE_COLUMNS = 'id, uses_left, expires_at, created_at';

function toAccount(row: AccountRow): Account {
  return { id: row.id, name: row.name, admin: row.admin, hasPassword: row.password_hash !== null, disabled: row.disabled };
}

function toDevice(row: DeviceRow): Device {
  return { id: row.id, label: row.label, createdAt: row.created_at, lastSeenAt: row.last_seen_at };
}

function toInvite(row: InviteRow): Invite {
  return { id: row.id, usesLeft: row.uses_left, expiresAt: row.expires_at, createdAt: row.created_at };
}

export class PostgresIdentityStore implements IdentityStore {
  constructor(private readonly pool: pg.Pool) {}

  async verifyDevice(name: string, token: string): Promise<{ account: Account; device: Device } | undefined> {
    // Looked up by the hash, an index probe: no comparison of secrets that timing could reveal.
    const rows = await query<AccountRow & { device_id: number; label: string; created_at: number; last_seen_at: number }>(
      this.pool,
      `UPDATE devices d SET last_seen_at = $3 FROM users u
       WHERE u.key = $1 AND d.user_id = u.id AND d.token_hash = $2
       RETURNING ${ACCOUNT_COLUMNS}, d.id AS device_id, d.label, d.created_at, d.last_seen_at`,
      [nameKey(name), tokenHash(token), Date.now()],
    );
    const row = rows[0];
    if (!row) return undefined;
    return { account: toAccount(row), device: toDevice({ ...row, id: row.device_id }) };
  }

  async register(name: string, passwordHash: string | undefined, deviceLabel: string, invite?: string): Promise<SignedInDevice | RegisterRefusal> {
    return transaction(this.pool, async (client, rollback) => {
      const now = Date.now();
      if ((await client.query('SELECT 1 FROM users WHERE key = $1', [nameKey(name)])).rowCount! > 0) return 'taken';
      if (invite !== undefined) {
        const spent = await client.query(
          'UPDATE invites SET uses_left = uses_left - 1 WHERE code_hash = $1 AND uses_left > 0 AND expires_at > $2 RETURNING id',
          [tokenHash(invite), now],
        );
        if (spent.rowCount === 0) return 'invite_invalid';
      }
      // Another node may register the name between the check and here: then the invite is not spent.
      const account = await this.insertAccount(client, name, passwordHash ?? null, false, now);
      if (!account) {
        rollback();
        return 'taken';
      }
      return this.signIn(client, account, deviceLabel);
    });
  }

  async createAccount(name: string, passwordHash: string, admin: boolean): Promise<Account | 'taken'> {
    return transaction(this.pool, async (client) => (await this.insertAccount(client, name, passwordHash, admin, Date.now())) ?? 'taken');
  }

  /** The new account, a member of #general; undefined when the name is taken. */
  private async insertAccount(client: Queryable, name: string, passwordHash: string | null, admin: boolean, now: number): Promise<Account | undefined> {
    const rows = await client.query<AccountRow>(
      `INSERT INTO users AS u (name, key, password_hash, admin, created_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (key) DO NOTHING RETURNING ${ACCOUNT_COLUMNS}`,
      [name, nameKey(name), passwordHash, admin, now],
    );
    if (!rows.rows[0]) return undefined;
    await joinGeneral(client, rows.rows[0].id);
    return toAccount(rows.rows[0]);
  }

  async accounts(): Promise<Array<Account & { devices: number; createdAt: number }>> {
    const rows = await query<AccountRow & { created_at: number; devices: number }>(
      this.pool,
      `SELECT ${ACCOUNT_COLUMNS}, u.created_at, (SELECT COUNT(*) FROM devices d WHERE d.user_id = u.id) AS devices FROM users u ORDER BY u.key`,
    );
    return rows.map((row) => ({ ...toAccount(row), devices: row.devices, createdAt: row.created_at }));
  }

  async createInvite(uses: number, expiresAt: number): Promise<{ invite: Invite; code: string }> {
    const code = newInviteCode();
    const rows = await query<InviteRow>(
      this.pool,
      `INSERT INTO invites (code_hash, uses_left, expires_at, created_at) VALUES ($1, $2, $3, $4) RETURNING ${INVITE_COLUMNS}`,
      [tokenHash(code), uses, expiresAt, Date.now()],
    );
    return { invite: toInvite(rows[0]!), code };
  }

  async isInviteLive(code: string): Promise<boolean> {
    const rows = await query(this.pool, 'SELECT 1 FROM invites WHERE code_hash = $1 AND uses_left > 0 AND expires_at > $2', [tokenHash(code), Date.now()]);
    return rows.length > 0;
  }

  async invites(): Promise<Invite[]> {
    const rows = await query<InviteRow>(this.pool, `SELECT ${INVITE_COLUMNS} FROM invites WHERE uses_left > 0 AND expires_at > $1 ORDER BY id`, [Date.now()]);
    return rows.map(toInvite);
  }

  async revokeInvite(id: number): Promise<boolean> {
    return (await query(this.pool, 'DELETE FROM invites WHERE id = $1 RETURNING id', [id])).length > 0;
  }

  async addDevice(account: Account, deviceLabel: string): Promise<SignedInDevice> {
    return this.signIn(this.pool, account, deviceLabel);
  }

  async credentials(name: string): Promise<{ account: Account; passwordHash: string | undefined } | undefined> {
    const rows = await query<AccountRow>(this.pool, `SELECT ${ACCOUNT_COLUMNS} FROM users u WHERE u.key = $1`, [nameKey(name)]);
    return rows[0] && { account: toAccount(rows[0]), passwordHash: rows[0].password_hash ?? undefined };
  }

  async setPasswordHash(account: Account, passwordHash: string): Promise<void> {
    await query(this.pool, 'UPDATE users SET password_hash = $1 WHERE id = $2', [passwordHash, account.id]);
  }

  async devices(account: Account): Promise<Device[]> {
    const rows = await query<DeviceRow>(this.pool, `SELECT ${DEVICE_COLUMNS} FROM devices d WHERE d.user_id = $1 ORDER BY d.id`, [account.id]);
    return rows.map(toDevice);
  }

  async revokeDevices(account: Account, which: readonly number[] | 'all'): Promise<number[]> {
    const rows =
      which === 'all'
        ? await query<{ id: number }>(this.pool, 'DELETE FROM devices WHERE user_id = $1 RETURNING id', [account.id])
        : await query<{ id: number }>(this.pool, 'DELETE FROM devices WHERE user_id = $1 AND id = ANY ($2::bigint[]) RETURNING id', [account.id, which]);
    return rows.map((row) => row.id).sort((a, b) => a - b);
  }

  private async signIn(client: Queryable, account: Account, deviceLabel: string): Promise<SignedInDevice> {
    const token = newToken();
    const now = Date.now();
    const rows = await client.query<DeviceRow>(
      `INSERT INTO devices AS d (user_id, token_hash, label, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $4) RETURNING ${DEVICE_COLUMNS}`,
      [account.id, tokenHash(token), deviceLabel, now],
    );
    return { account, device: toDevice(rows.rows[0]!), token };
  }

  async accountByName(name: string): Promise<Account | undefined> {
    const rows = await query<AccountRow>(this.pool, `SELECT ${ACCOUNT_COLUMNS} FROM users u WHERE u.key = $1`, [nameKey(name)]);
    return rows[0] && toAccount(rows[0]);
  }

  /** Asked of the database each time: another node may remove the account. */
  async userByName(name: string): Promise<UserRecord | undefined> {
    const rows = await query<UserRecord>(this.pool, 'SELECT id, name FROM users WHERE key = $1', [nameKey(name)]);
    return rows[0] && { id: rows[0].id, name: rows[0].name };
  }

  async setDisabled(name: string, disabled: boolean): Promise<Account | undefined> {
    const rows = await query<AccountRow>(this.pool, `UPDATE users u SET disabled = $1 WHERE u.key = $2 RETURNING ${ACCOUNT_COLUMNS}`, [disabled, nameKey(name)]);
    return rows[0] && toAccount(rows[0]);
  }

  async removeAccount(name: string): Promise<Account | undefined> {
    const rows = await query<AccountRow>(this.pool, `DELETE FROM users u WHERE u.key = $1 RETURNING ${ACCOUNT_COLUMNS}`, [nameKey(name)]);
    return rows[0] && toAccount(rows[0]);
  }

  async serverId(): Promise<string> {
    const rows = await query<{ value: string }>(this.pool, `SELECT value FROM meta WHERE key = 'server_id'`);
    if (!rows[0]) throw new Error('the database has no server id');
    return rows[0].value;
  }
}
