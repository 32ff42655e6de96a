/** `relay-chat-server`: the command line over the server library. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { version } from '../package.json';
import { parseCli, UsageError, USAGE, type AdminPlan, type ServeCommand } from './cli-args';
import { sendControlRequest } from './control/control-client';
import { controlSocketPath } from './control/control-protocol';
import type { Logger } from './options';
import { startRelayServer } from './relay-server';
import { AdminRefusal, runAdmin, type AdminAction } from './admin';
import { passwordProblem } from './authentication';
import { PasswordHasher } from './identity/passwords';
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
  console.log(`Relay Chat server listening on ${server.url} (data in ${dataDir})`);
  logger.info(`registration is ${server.registration}; clients and invite links use ${server.publicUrl}`);
}

/**
 * Through the running server when there is one, so it closes the devices it signs out at once;
 * else on the store itself.
 */
async function runAdminCommand(plan: AdminPlan, dataDir: string): Promise<string[]> {
  const action = await withPasswordHash(plan);
  const reply = await sendControlRequest(controlSocketPath(dataDir), { command: 'admin', action });
  if (reply !== undefined) {
    if (reply.ok) return reply.output;
    throw reply.refused ? new AdminRefusal(reply.error) : new Error(reply.error);
  }
  const storage = openSqliteBackend({ dataDir });
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
      if (!existsSync(path.join(dataDir, DATABASE_FILE))) throw new UsageError(`no Relay Chat store in ${dataDir}; pass --data`);
      for (const line of await runAdminCommand(command.plan, dataDir)) console.log(line);
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
  if (error instanceof AdminRefusal) {
    console.error(`relay-chat-server: ${error.message}`);
    process.exit(2);
  }
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') console.error('relay-chat-server: the port is already in use; pick another with --port');
  else console.error(`relay-chat-server: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
