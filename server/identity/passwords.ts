/**
 * Password hashing with scrypt (node:crypto), at least OWASP's minimum cost (N = 2^17, r = 8,
 * p = 1: 128 MiB and a few hundred milliseconds a hash). Hashes are self-describing strings,
 * `$scrypt$N=…,r=…,p=…$salt$key`, so the cost can be raised later and old hashes upgraded when
 * their owner next signs in. Only `concurrency` hashes run at once, each needing 128·N·r bytes,
 * so a burst of sign-ins queues instead of exhausting memory.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

export const OWASP_MINIMUM_COST: ScryptCost = { N: 2 ** 17, r: 8, p: 1 };

const SALT_BYTES = 16;
const KEY_BYTES = 32;
const FORMAT = /^\$scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([\w-]{16,})\$([\w-]{32,})$/;

export interface Verification {
  ok: boolean;
  /** A fresh hash at today's cost, when the stored one was made at a lower cost: store it. */
  upgraded?: string;
}

function derive(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; Node's default cap (32 MiB) is below the OWASP cost.
  const maxmem = 256 * cost.N * cost.r;
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_BYTES, { ...cost, maxmem }, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

function format({ N, r, p }: ScryptCost, salt: Buffer, key: Buffer): string {
  return `$scrypt$N=${N},r=${r},p=${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

function parse(stored: string): { cost: ScryptCost; salt: Buffer; key: Buffer } | undefined {
  const match = FORMAT.exec(stored);
  if (!match) return undefined;
  const [, N, r, p, salt, key] = match;
  return { cost: { N: Number(N), r: Number(r), p: Number(p) }, salt: Buffer.from(salt!, 'base64url'), key: Buffer.from(key!, 'base64url') };
}

function weaker(a: ScryptCost, b: ScryptCost): boolean {
  return a.N * a.r * a.p < b.N * b.r * b.p;
}

export class PasswordHasher {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  /**
   * Verified against when there is no account, so an unknown name costs what a wrong password
   * costs: a random salt and key at today's cost, which no password matches.
   */
  private readonly decoy: string;

  constructor(
    private readonly cost: ScryptCost = OWASP_MINIMUM_COST,
    private readonly concurrency = 2,
  ) {
    this.decoy = format(cost, randomBytes(SALT_BYTES), randomBytes(KEY_BYTES));
  }

  hash(password: string): Promise<string> {
    return this.limited(async () => {
      const salt = randomBytes(SALT_BYTES);
      return format(this.cost, salt, await derive(password, salt, this.cost));
    });
  }

  /** `stored` undefined (no such account, or no password) does the same work and fails. */
  async verify(password: string, stored: string | undefined): Promise<Verification> {
    const parsed = parse(stored ?? this.decoy);
    if (!parsed) throw new Error('a stored password hash is not in the $scrypt$ format');
    const key = await this.limited(() => derive(password, parsed.salt, parsed.cost));
    const ok = stored !== undefined && key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
    if (ok && weaker(parsed.cost, this.cost)) return { ok, upgraded: await this.hash(password) };
    return { ok };
  }

  private async limited<T>(work: () => Promise<T>): Promise<T> {
    while (this.running >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await work();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}
