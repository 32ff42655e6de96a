/** The embedded identity store: accounts and devices in the SQLite database the message store uses too. */
import type Database from 'better-sqlite3';
import { nameKey } from '../../protocol';
import type { Account, ClaimResult, Device, IdentityStore } from './identity-store';
import { newToken, tokenHash } from './secrets';

interface AccountRow {
  id: number;
  name: string;
  admin: number;
  password_hash: string | null;
}

interface DeviceRow {
  id: number;
  label: string;
  created_at: number;
  last_seen_at: number;
}

function toAccount(row: AccountRow): Account {
  return { id: row.id, name: row.name, admin: row.admin === 1, hasPassword: row.password_hash !== null };
}

function toDevice(row: DeviceRow): Device {
  return { id: row.id, label: row.label, createdAt: row.created_at, lastSeenAt: row.last_seen_at };
}

const ACCOUNT_COLUMNS = 'id, name, admin, password_hash';
const DEVICE_COLUMNS = 'id, label, created_at, last_seen_at';

export class SqliteIdentityStore implements IdentityStore {
  private readonly statements;

  constructor(private readonly db: Database.Database) {
    this.statements = {
      accountByKey: db.prepare<[string], AccountRow>(`SELECT ${ACCOUNT_COLUMNS} FROM users WHERE key = ?`),
      insertAccount: db.prepare<[string, string, number], AccountRow>(
        `INSERT INTO users (name, key, created_at) VALUES (?, ?, ?) RETURNING ${ACCOUNT_COLUMNS}`,
      ),
      deviceOf: db.prepare<[number, string], DeviceRow>(`SELECT ${DEVICE_COLUMNS} FROM devices WHERE user_id = ? AND token_hash = ?`),
      insertDevice: db.prepare<[number, string, string, number, number], DeviceRow>(
        `INSERT INTO devices (user_id, token_hash, label, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?) RETURNING ${DEVICE_COLUMNS}`,
      ),
      touchDevice: db.prepare<[number, number], unknown>('UPDATE devices SET last_seen_at = ? WHERE id = ?'),
      deleteAccount: db.prepare<[number], unknown>('DELETE FROM users WHERE id = ?'),
      serverId: db.prepare<[], { value: string }>(`SELECT value FROM meta WHERE key = 'server_id'`),
    };
  }

  async claimName(name: string, token: string | undefined, deviceLabel: string): Promise<ClaimResult> {
    const claim = this.db.transaction((): ClaimResult => {
      const now = Date.now();
      const existing = this.statements.accountByKey.get(nameKey(name));
      if (!existing) {
        const row = this.statements.insertAccount.get(name, nameKey(name), now);
        if (!row) throw new Error('insert into users returned no row');
        const fresh = newToken();
        const device = this.statements.insertDevice.get(row.id, tokenHash(fresh), deviceLabel, now, now)!;
        return { status: 'created', account: toAccount(row), device: toDevice(device), token: fresh };
      }
      // The lookup is by the hash, an index probe: no comparison of secrets that timing could reveal.
      const device = token === undefined ? undefined : this.statements.deviceOf.get(existing.id, tokenHash(token));
      if (!device) return { status: 'taken' };
      this.statements.touchDevice.run(now, device.id);
      return { status: 'verified', account: toAccount(existing), device: toDevice({ ...device, last_seen_at: now }), token: token! };
    });
    return claim.immediate();
  }

  async accountByName(name: string): Promise<Account | undefined> {
    const row = this.statements.accountByKey.get(nameKey(name));
    return row ? toAccount(row) : undefined;
  }

  async removeAccount(name: string): Promise<Account | undefined> {
    const remove = this.db.transaction((): Account | undefined => {
      const row = this.statements.accountByKey.get(nameKey(name));
      if (!row) return undefined;
      this.statements.deleteAccount.run(row.id);
      return toAccount(row);
    });
    return remove.immediate();
  }

  async serverId(): Promise<string> {
    const row = this.statements.serverId.get();
    if (!row) throw new Error('the database has no server id');
    return row.value;
  }
}
