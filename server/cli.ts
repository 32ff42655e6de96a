/** `relay-chat-server`: the command line over the server library. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { version } from '../package.json';
import { parseCli, UsageError, USAGE, type ServeCommand } from './cli-args';
import { sendControlRequest } from './control/control-client';
import { controlSocketPath } from './control/control-protocol';
import type { Logger } from './options';
import { startRelayServer } from './relay-server';
import { releaseAccount } from './release';
import { openSqliteBackend } from './store/sqlite-backend';
import { DATABASE_FILE } from './store/sqlite-database';

const logger: Logger = {
  info: (message) => console.log(`${new Date().toISOString()} ${message}`),
  warn: (message) => console.error(`${new Date().toISOString()} warning: ${message}`),
};

async function serve(command: ServeCommand): Promise<void> {
  const dataDir = path.resolve(command.dataDir);
  const server = await startRelayServer({
    host: command.host,
    port: command.port,
    dataDir,
    synchronous: command.synchronous,
    rateLimit: command.rateLimit,
    maxBufferedBytes: command.maxBufferedBytes,
    allowOrigins: command.allowOrigins,
    pendingLimits: command.pendingLimits,
    headersTimeoutMs: command.headersTimeoutMs,
    trustProxy: command.trustProxy,
    insecure: command.insecure,
    ...(command.tls ? { tls: command.tls } : {}),
    logger,
  });
  console.log(`Relay Chat server listening on ${server.url} (data in ${dataDir})`);
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
}

/** Through the running server when there is one, so it disconnects the holder at once; else on the store itself. */
async function release(name: string, dataDir: string): Promise<boolean> {
  const reply = await sendControlRequest(controlSocketPath(dataDir), { command: 'release', name });
  if (reply !== undefined) {
    if (!reply.ok) throw new Error(reply.error);
    return reply.found;
  }
  const storage = openSqliteBackend({ dataDir });
  try {
    return (await releaseAccount(storage.identity, storage.store, name)) !== undefined;
  } finally {
    await storage.close();
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
    case 'release': {
      const dataDir = path.resolve(command.dataDir);
      if (!existsSync(path.join(dataDir, DATABASE_FILE))) throw new UsageError(`no Relay Chat store in ${dataDir}; pass --data`);
      if (!(await release(command.name, dataDir))) throw new UsageError(`no user is named "${command.name}" in ${dataDir}`);
      console.log(`released "${command.name}": the name is free and its private history is deleted`);
      return;
    }
    case 'serve':
      await serve(command);
  }
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`relay-chat-server: ${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') console.error('relay-chat-server: the port is already in use; pick another with --port');
  else console.error(`relay-chat-server: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
