/** `relay-chat-server`: the command line over the server library. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { version } from '../package.json';
import { parseCli, UsageError, USAGE, type AdminPlan, type ServeCommand, type StoreConfig } from './cli-args';
import { sendControlRequest } from './control/control-client';
import { controlSocketPath } from './control/control-protocol';
import type { Logger, Storage } from './options';
import { startRelayServer } from './relay-server';
import { AdminRefusal, runAdmin, type AdminAction } from './admin';
import { passwordProblem } from './authentication';
import { PasswordHasher } from './identity/passwords';
import { openSqliteBackend } from './store/sqlite-backend';
import { DATABASE_FILE, openSqliteDatabase } from './store/sqlite-database';

const logger: Logger = {
  info: (message) => console.log(`${new Date().toISOString()} ${message}`),
  warn: (message) => console.error(`${new Date().toISOString()} warning: ${message}`),
};

/** Loaded only when asked for, so an installation on SQLite never loads the PostgreSQL client. */
async function openPostgres(store: StoreConfig): Promise<import('./store/postgres/postgres-backend').PostgresBackend> {
  const { openPostgresBackend } = await import('./store/postgres/postgres-backend');
  return openPostgresBackend({
    url: store.url,
    ...(store.caFile !== undefined ? { caFile: store.caFile } : {}),
    onIdleError: (error) => logger.warn(`a PostgreSQL connection failed: ${error.message}`),
  });
}

/** Where the data is, for the log: never the URL's password. */
async function storeLabel(store: StoreConfig | undefined, dataDir: string): Promise<string> {
  if (!store) return `data in ${dataDir}`;
  const { describePostgresUrl } = await import('./store/postgres/postgres-pool');
  return `data in ${describePostgresUrl(store.url)}`;
}

async function serve(command: ServeCommand): Promise<void> {
  const dataDir = path.resolve(command.dataDir);
  const storage: Storage | undefined = command.store ? await openPostgres(command.store) : undefined;
  const server = await startRelayServer({
    ...(storage ? { storage } : {}),
    host: command.host,
    port: command.port,
    dataDir,
    synchronous: command.synchronous,
    commitWindowMs: command.commitWindowMs,
    rateLimit: command.rateLimit,
    maxBufferedBytes: command.maxBufferedBytes,
    allowOrigins: command.allowOrigins,
    pendingLimits: command.pendingLimits,
    headersTimeoutMs: command.headersTimeoutMs,
    channelMentionMaxMembers: command.channelMentionMaxMembers,
    trustProxy: command.trustProxy,
    registration: command.registration,
    ...(command.publicUrl !== undefined ? { publicUrl: command.publicUrl } : {}),
    insecure: command.insecure,
    ...(command.tls ? { tls: command.tls } : {}),
    ...(command.redis ? { redis: command.redis } : {}),
    logger,
  });
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: closing connections and flushing the store`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.warn(`shutdown failed: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGHUP', () => {
    if (!server.encrypted) {
      logger.info('SIGHUP: no TLS to reload');
      return;
    }
    try {
      server.reloadTls();
      logger.info('SIGHUP: reloaded the TLS certificate; new connections get it, live ones stay');
    } catch (error) {
      logger.warn(`SIGHUP: kept the old TLS certificate: ${(error as Error).message}`);
    }
  });
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  // Only now: whoever waits for this line (systemd, a test) may signal at once, and an unhandled
  // SIGHUP or SIGTERM would end the process instead of reloading or shutting down cleanly.
  console.log(`Relay Chat server listening on ${server.url} (${await storeLabel(command.store, dataDir)})`);
  logger.info(`registration is ${server.registration}; clients and invite links use ${server.publicUrl}`);
}

/**
 * Through the running server when there is one, so it closes the devices it signs out at once;
 * else on the store itself.
 */
async function runAdminCommand(plan: AdminPlan, dataDir: string, store: StoreConfig | undefined): Promise<string[]> {
  const action = await withPasswordHash(plan);
  const reply = await sendControlRequest(controlSocketPath(dataDir), { command: 'admin', action });
  if (reply !== undefined) {
    if (reply.ok) return reply.output;
    throw reply.refused ? new AdminRefusal(reply.error) : new Error(reply.error);
  }
  // No server answered (a running node answers whatever its store is, PostgreSQL too): the store itself.
  if (!store && !existsSync(path.join(dataDir, DATABASE_FILE))) {
    throw new UsageError(`no Relay Chat store in ${dataDir} and no server running there; pass --data (or --store for PostgreSQL)`);
  }
  const storage = store ? await openPostgres(store) : openSqliteBackend({ dataDir, checkpointWorker: false });
  try {
    return await runAdmin(action, { ...storage, signedOut: () => {} });
  } finally {
    await storage.close();
  }
}

/** `user add` and `user passwd` read the password from stdin (one line; not echoed on a terminal) and hash it here. */
async function withPasswordHash(plan: AdminPlan): Promise<AdminAction> {
  if (plan.kind !== 'user-add' && plan.kind !== 'user-passwd') return plan;
  const password = await readPassword(`password for ${plan.name}: `);
  const problem = passwordProblem(password);
  if (problem) throw new UsageError(problem);
  return { ...plan, passwordHash: await new PasswordHasher().hash(password) };
}

function readPassword(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const terminal = process.stdin.isTTY === true;
    const lines = createInterface({ input: process.stdin, output: terminal ? process.stderr : undefined, terminal });
    if (terminal) {
      process.stderr.write(prompt);
      // Keep what is typed off the screen: readline echoes through this.
      (lines as unknown as { _writeToOutput: (text: string) => void })._writeToOutput = () => {};
    }
    lines.once('line', (line) => {
      if (terminal) process.stderr.write('\n');
      resolve(line);
      lines.close();
    });
    lines.once('close', () => reject(new UsageError('no password on stdin: type it at the prompt, or pipe it in as one line')));
  });
}

/** Brings the store's schema up to date; several nodes may run it at once (PostgreSQL serialises them). */
async function migrate(dataDir: string, store: StoreConfig | undefined): Promise<string> {
  if (!store) {
    // Opening the SQLite store migrates it.
    await openSqliteBackend({ dataDir: path.resolve(dataDir), checkpointWorker: false }).close();
    return `the SQLite store in ${path.resolve(dataDir)} is up to date`;
  }
  const { openPool } = await import('./store/postgres/postgres-pool');
  const { migratePostgres } = await import('./store/postgres/postgres-schema');
  const pool = openPool({ url: store.url, ...(store.caFile !== undefined ? { caFile: store.caFile } : {}) });
  try {
    const { from, to } = await migratePostgres(pool);
    return from === to ? `the PostgreSQL schema is up to date (version ${to})` : `migrated the PostgreSQL schema from version ${from} to ${to}`;
  } finally {
    await pool.end();
  }
}

async function importSqlite(fromSqlite: string, store: StoreConfig): Promise<string[]> {
  const dataDir = path.resolve(fromSqlite);
  if (!existsSync(path.join(dataDir, DATABASE_FILE))) throw new UsageError(`no Relay Chat store in ${dataDir}`);
  const { importFromSqlite, ImportRefusal } = await import('./store/postgres/import-sqlite');
  // Opening brings an older file up to date first, as starting the server on it would.
  const source = openSqliteDatabase({ dataDir });
  const target = await openPostgres(store);
  try {
    const counts = await importFromSqlite(source, target.pool);
    return [`imported ${dataDir} into PostgreSQL:`, ...Object.entries(counts).map(([table, rows]) => `  ${table}: ${rows}`)];
  } catch (error) {
    throw error instanceof ImportRefusal ? new AdminRefusal(error.message) : error;
  } finally {
    source.close();
    await target.close();
  }
}

async function main(): Promise<void> {
  const command = parseCli(process.argv.slice(2), process.env);
  switch (command.command) {
    case 'help':
      console.log(USAGE);
      return;
    case 'version':
      console.log(version);
      return;
    case 'admin': {
      const dataDir = path.resolve(command.dataDir);
      // Said before a password is asked for; a node on PostgreSQL is reached through its control socket.
      const reachable = command.store || existsSync(path.join(dataDir, DATABASE_FILE)) || existsSync(controlSocketPath(dataDir));
      if (!reachable) throw new UsageError(`no Relay Chat store in ${dataDir}; pass --data (or --store for PostgreSQL)`);
      for (const line of await runAdminCommand(command.plan, dataDir, command.store)) console.log(line);
      return;
    }
    case 'migrate':
      console.log(await migrate(command.dataDir, command.store));
      return;
    case 'import':
      for (const line of await importSqlite(command.fromSqlite, command.store)) console.log(line);
      return;
    case 'serve':
      await serve(command);
  }
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`relay-chat-server: ${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (error instanceof AdminRefusal) {
    console.error(`relay-chat-server: ${error.message}`);
    process.exit(2);
  }
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') console.error('relay-chat-server: the port is already in use; pick another with --port');
  else console.error(`relay-chat-server: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
