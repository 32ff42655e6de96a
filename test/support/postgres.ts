/**
 * A private PostgreSQL for a test file: initdb into a temporary folder (as the `postgres` user
 * when we are root, since initdb refuses root), listening only on a unix socket there, stopped
 * (and its folder removed) after the file. Each test asks for a database of its own.
 *
 * Without PostgreSQL installed the suite is skipped, saying so; with CI set it fails instead,
 * because CI installs PostgreSQL (scripts/install-test-env.sh) and must never skip these.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/** The newest installed PostgreSQL's bin folder (Debian: /usr/lib/postgresql/VERSION/bin), if any. */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((version) => existsSync(path.join(root, version, 'bin', 'initdb')))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const newest = versions.at(-1);
  return newest === undefined ? undefined : path.join(root, newest, 'bin');
}

export class TestPostgres {
  private databases = 0;
  private running = false;
  private readonly stopOnExit = (): void => this.stopSync();

  private constructor(
    private readonly bin: string,
    /** The temporary folder: the data directory is in it, and it is the socket folder. */
    readonly dir: string,
  ) {}

  static async start(bin: string): Promise<TestPostgres> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'relay-chat-pg-'));
    const server = new TestPostgres(bin, dir);
    if (process.getuid?.() === 0) {
      // initdb refuses root: the postgres user owns the folder; root (the tests) can still reach its socket.
      const { uid, gid } = userIds('postgres');
      chownSync(dir, uid, gid);
    }
    chmodSync(dir, 0o755);
    server.run('initdb', ['-D', server.dataDir, '-U', 'relay', '-A', 'trust', '-E', 'UTF8', '--no-sync']);
    process.on('exit', server.stopOnExit);
    server.startSync();
    return server;
  }

  private get dataDir(): string {
    return path.join(this.dir, 'pg');
  }

  /** The connection URL of a database on this server. */
  url(database = 'postgres'): string {
    return `postgres://relay@/${database}?host=${encodeURIComponent(this.dir)}`;
  }

  /** A new, empty database, for one test. */
  async createDatabase(): Promise<string> {
    const name = `test_${++this.databases}`;
    const client = new pg.Client({ connectionString: this.url() });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE ${name}`);
    } finally {
      await client.end();
    }
    return this.url(name);
  }

  /** Stops at once, as a crash would (no shutdown checkpoint); start() brings it back on the same data. */
  stopSync(): void {
    if (!this.running) return;
    this.running = false;
    this.run('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', '-w', 'stop']);
  }

  startSync(): void {
    this.run('pg_ctl', [
      '-D', this.dataDir, '-l', path.join(this.dir, 'pg.log'), '-w', 'start',
      '-o', `-c listen_addresses='' -k ${this.dir} -c fsync=off -c full_page_writes=off`,
    ]);
    this.running = true;
  }

  /** Stops the server and removes its folder. */
  destroy(): void {
    this.stopSync();
    process.off('exit', this.stopOnExit);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private run(tool: string, args: string[]): void {
    const command = path.join(this.bin, tool);
    const [file, argv] = process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
    execFileSync(file, argv, { stdio: ['ignore', 'pipe', 'pipe'], cwd: this.dir });
  }
}

function userIds(user: string): { uid: number; gid: number } {
  const id = (flag: string): number => Number(execFileSync('id', [flag, user]).toString().trim());
  return { uid: id('-u'), gid: id('-g') };
}

/**
 * Inside a describe(): a private PostgreSQL for the suite, or the suite skipped (failed under CI)
 * when none is installed. Returns a getter, valid inside the suite's tests and hooks.
 */
export function usePostgres(what: string): () => TestPostgres {
  let server: TestPostgres | undefined;
  before(async function () {
    this.timeout(60_000);
    const bin = postgresBinDir();
    if (bin === undefined) {
      const message = `PostgreSQL not installed: skipping ${what} (install it with scripts/install-test-env.sh, or apt-get install postgresql)`;
      if (process.env.CI) throw new Error(`${message.replace('skipping', 'cannot run')}; CI must not skip these`);
      console.log(`      ${message}`);
      this.skip();
    }
    server = await TestPostgres.start(bin);
  });
  after(() => server?.destroy());
  return () => {
    if (!server) throw new Error('PostgreSQL is not running');
    return server;
  };
}
