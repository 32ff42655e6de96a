/**
 * A private redis-server for tests: on a unix socket in a temporary folder (`--port 0` turns
 * TCP off), with nothing saved, stopped by its own pid. Tests that need it call
 * `requireRedisServer` in a `before` hook: without the redis-server binary they skip with a
 * message, except under CI (env CI set), where they fail instead.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface TestRedis {
  /** The unix socket path: what `--redis` takes. */
  readonly socket: string;
  /** With `tls`: the loopback port that speaks TLS (rediss://127.0.0.1:PORT). */
  readonly tlsPort?: number;
  /** Kills the server (SIGKILL: nothing flushed, every connection dropped), waits `downMs`, and starts it again on the same socket, empty. */
  restart(downMs?: number): Promise<void>;
  /** Kills it (SIGKILL): unreachable until `start`. */
  kill(): Promise<void>;
  /** Starts it again after `kill`, on the same socket, empty. */
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 5000;

export function redisServerAvailable(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** For a `before` hook: skips the suite when redis-server is missing, or fails under CI. */
export function requireRedisServer(context: Mocha.Context): void {
  if (redisServerAvailable()) return;
  const message = 'redis-server is not installed (apt-get install redis-server): skipping the Redis tests';
  if (process.env.CI) throw new Error(`${message.split(':')[0]}, and CI must run the Redis tests`);
  console.log(`      ${message}`);
  context.skip();
}

/** With `tls`, it also listens with TLS (this certificate and key) on a free loopback port, not asking clients for certificates. */
export async function startTestRedis(options: { tls?: { certFile: string; keyFile: string; caFile: string } } = {}): Promise<TestRedis> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'relay-chat-redis-'));
  const socket = path.join(dir, 'redis.sock');
  const tlsPort = options.tls ? await freePort() : undefined;
  const tlsArgs = options.tls
    ? ['--tls-port', String(tlsPort), '--bind', '127.0.0.1', '--tls-cert-file', options.tls.certFile, '--tls-key-file', options.tls.keyFile, '--tls-ca-cert-file', options.tls.caFile, '--tls-auth-clients', 'no']
    : [];
  const launch = () => launchRedis(dir, socket, tlsArgs);
  let child = await launch();
  const kill = async (): Promise<void> => {
    const running = child;
    if (running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill('SIGKILL');
    await exited;
  };
  return {
    socket,
    ...(tlsPort !== undefined ? { tlsPort } : {}),
    async restart(downMs = 0) {
      await kill();
      if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
      child = await launch();
    },
    kill,
    async start() {
      child = await launch();
    },
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function launchRedis(dir: string, socket: string, extraArgs: string[]): Promise<ChildProcess> {
  rmSync(socket, { force: true });
  const child = spawn(
    'redis-server',
    ['--port', '0', '--unixsocket', socket, '--unixsocketperm', '700', '--save', '', '--appendonly', 'no', '--dir', dir, ...extraArgs],
    { stdio: 'ignore' },
  );
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await answersPing(socket))) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode} before it answered`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not answer on ${socket} within ${START_TIMEOUT_MS} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return child;
}

/** A loopback port nothing listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function answersPing(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const connection = net.createConnection(socket);
    connection.once('error', () => resolve(false));
    connection.once('connect', () => connection.write('PING\r\n'));
    connection.once('data', (data) => {
      resolve(data.toString().startsWith('+PONG'));
      connection.destroy();
    });
  });
}
