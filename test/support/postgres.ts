/**
 * A private PostgreSQL for a test file: initdb into a temporary folder (as the `postgres` user
 * when we are root, since initdb refuses root), listening only on a unix socket there, stopped
 * (and its folder removed) after the file. Each test asks for a database of its own.
 *
 * Without PostgreSQL installed the suite is skipped, saying so; with CI set it fails instead,
 * because CI installs PostgreSQL (scripts/install-test-env.sh) and must never skip these.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { makeTestCa } from './certificates';

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

export interface TestPostgresOptions {
  /** Also listen on a free loopback port with TLS, its certificate signed by a test CA (`caFile`). */
  tls?: boolean;
}

export class TestPostgres {
  private databases = 0;
  private running = false;
  private readonly stopOnExit = (): void => this.stopSync();
  /** With `tls`: the loopback port, and the PEM of the CA that signed the server's certificate. */
  private tcp: { port: number; caFile: string } | undefined;

  private constructor(
    private readonly bin: string,
    /** The temporary folder: the data directory is in it, and it is the socket folder. */
    readonly dir: string,
  ) {}

  static async start(bin: string, options: TestPostgresOptions = {}): Promise<TestPostgres> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'relay-chat-pg-'));
    const server = new TestPostgres(bin, dir);
    // initdb refuses root: the postgres user owns the folder; root (the tests) can still reach its socket.
    const owner = process.getuid?.() === 0 ? userIds('postgres') : undefined;
    if (owner) chownSync(dir, owner.uid, owner.gid);
    chmodSync(dir, 0o755);
    server.run('initdb', ['-D', server.dataDir, '-U', 'relay', '-A', 'trust', '-E', 'UTF8', '--no-sync']);
    if (options.tls) {
      const ca = makeTestCa(mkdtempSync(path.join(dir, 'ca-')));
      // For localhost only: a connection to 127.0.0.1 with verify-full must then be refused.
      const issued = ca.issue('server', { hosts: ['localhost'] });
      // PostgreSQL wants its key readable by itself alone.
      for (const [from, to] of [[issued.certFile, 'server.pem'], [issued.keyFile, 'server.key']] as const) {
        copyFileSync(from, path.join(dir, to));
        chmodSync(path.join(dir, to), 0o600);
        if (owner) chownSync(path.join(dir, to), owner.uid, owner.gid);
      }
      server.tcp = { port: await freePort(), caFile: ca.caFile };
    }
    process.on('exit', server.stopOnExit);
    server.startSync();
    return server;
  }

  /** With `tls`: the URL of a database over TCP, by the name the certificate is for. */
  tlsUrl(database: string): { url: string; caFile: string } {
    if (!this.tcp) throw new Error('started without tls');
    return { url: `postgres://relay@localhost:${this.tcp.port}/${database}`, caFile: this.tcp.caFile };
  }

  private get dataDir(): string {
    return path.join(this.dir, 'pg');
  }

  /** The connection URL of a database on this server. */
  url(database = 'postgres'): string {
    // With TCP on another port, the socket is named after that port too.
    const port = this.tcp ? `&port=${this.tcp.port}` : '';
    return `postgres://relay@/${database}?host=${encodeURIComponent(this.dir)}${port}`;
  }

  /** A new, empty database, for one test. */
  async createDatabase(): Promise<string> {
    return this.url(await this.createDatabaseNamed());
  }

  /** createDatabase(), by name. */
  async createDatabaseNamed(): Promise<string> {
    const name = `test_${++this.databases}`;
    const client = new pg.Client({ connectionString: this.url() });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE ${name}`);
    } finally {
      await client.end();
    }
    return name;
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
      '-o', `-k ${this.dir} -c fsync=off -c full_page_writes=off ${this.listenOptions()}`,
    ]);
    this.running = true;
  }

  private listenOptions(): string {
    if (!this.tcp) return `-c listen_addresses=''`;
    return `-c listen_addresses=127.0.0.1 -p ${this.tcp.port} -c ssl=on -c ssl_cert_file=${path.join(this.dir, 'server.pem')} -c ssl_key_file=${path.join(this.dir, 'server.key')}`;
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

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
    probe.once('error', reject);
  });
}

function userIds(user: string): { uid: number; gid: number } {
  const id = (flag: string): number => Number(execFileSync('id', [flag, user]).toString().trim());
  return { uid: id('-u'), gid: id('-g') };
}

/**
 * Inside a describe(): a private PostgreSQL for the suite, or the suite skipped (failed under CI)
 * when none is installed. Returns a getter, valid inside the suite's tests and hooks.
 */
export function usePostgres(what: string, options: TestPostgresOptions = {}): () => TestPostgres {
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
    server = await TestPostgres.start(bin, options);
  });
  after(() => server?.destroy());
  return () => {
    if (!server) throw new Error('PostgreSQL is not running');
    return server;
  };
}
