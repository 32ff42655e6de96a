/** `--redis` and its companions: parsing, refusals, and a node reaching Redis over TLS. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { parseCli, UsageError } from '../../../server/cli-args';
import { makeTestCa } from '../../support/certificates';
import { requireRedisServer, startTestRedis } from '../../support/redis';
import { healthOf, passwordCost } from '../../support/redis-cluster';
import { startTestServer, tempDir } from '../../support/server';
import { TestClient } from '../../support/ws-test-client';

function serve(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const command = parseCli(argv, env);
  if (command.command !== 'serve') throw new Error('not serve');
  return command;
}

/** Runs the built command line to its exit. */
function run(args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.resolve('dist/server/cli.js'), ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (status) => resolve({ status, stderr }));
  });
}

describe('server: --redis configuration', () => {
  it('keeps everything in this process without --redis, and takes a URL, a unix socket, TLS and the presence times with it', () => {
    assert.equal(serve([]).redis, undefined);
    assert.deepEqual(serve(['--redis', 'redis://cache.internal:6380/2']).redis, { url: 'redis://cache.internal:6380/2', presence: { refreshMs: 5000, ttlMs: 15_000, sweepMs: 5000 } });
    assert.equal(serve([], { RELAY_CHAT_REDIS: '/run/redis/redis.sock' }).redis?.url, '/run/redis/redis.sock');
    assert.equal(serve(['--redis', 'unix:///run/redis.sock']).redis?.url, 'unix:///run/redis.sock');
    assert.deepEqual(serve(['--redis', 'rediss://:secret@cache:6379', '--redis-ca', 'ca.pem']).redis?.caFile, 'ca.pem');
    const tuned = serve(['--redis', 'redis://r', '--presence-refresh-ms', '1000', '--presence-ttl-ms', '3000', '--redis-prefix', 'team-a:']).redis;
    assert.deepEqual([tuned?.presence, tuned?.prefix], [{ refreshMs: 1000, ttlMs: 3000, sweepMs: 1000 }, 'team-a:']);
  });

  it('refuses a bad Redis URL or a companion flag without --redis, with a clear message', () => {
    const refusals: Array<[string[], RegExp]> = [
      [['--redis', 'http://cache:6379'], /starts with redis:\/\/ or rediss:\/\//],
      [['--redis', 'cache:6379'], /starts with redis:\/\/ or rediss:\/\//],
      [['--redis', 'not a url'], /not a Redis URL/],
      [['--redis', 'redis://cache/db0'], /database .* must be a number/],
      [['--redis', 'redis://cache', '--redis-ca', 'ca.pem'], /--redis-ca is for TLS/],
      [['--redis-ca', 'ca.pem'], /goes with --redis/],
      [['--presence-ttl-ms', '100'], /go with --redis/],
      [['--redis', 'redis://r', '--presence-refresh-ms', '5000', '--presence-ttl-ms', '5000'], /must be longer than its refresh/],
      [['--redis', 'redis://r', '--redis-prefix', 'has space'], /--redis-prefix takes/],
    ];
    for (const [argv, message] of refusals) assert.throws(() => serve(argv), (error: unknown) => error instanceof UsageError && message.test(error.message), argv.join(' '));
  });

  it('exits with 2 on a bad --redis, as on any bad flag, and with 1 when Redis cannot be reached', async function () {
    this.timeout(15_000);
    const bad = await run(['--redis', 'http://nowhere', '--port', '0']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--redis: a Redis URL starts with redis:\/\/ or rediss:\/\//);
    const data = tempDir();
    try {
      const unreachable = await run(['--redis', path.join(data.path, 'no-redis.sock'), '--port', '0', '--data', data.path]);
      assert.equal(unreachable.status, 1);
      assert.match(unreachable.stderr, /cannot reach Redis at .*no-redis\.sock/);
    } finally {
      data.remove();
    }
  });

  it('skips the Redis tests without redis-server, with a message, and fails them instead under CI', () => {
    const saved = { PATH: process.env.PATH, CI: process.env.CI };
    const skipped: string[] = [];
    const context = { skip: () => skipped.push('skipped') } as unknown as Mocha.Context;
    const log = console.log;
    const printed: string[] = [];
    console.log = (line: string) => printed.push(line);
    try {
      process.env.PATH = '';
      delete process.env.CI;
      requireRedisServer(context);
      assert.deepEqual(skipped, ['skipped']);
      assert.match(printed.join('\n'), /redis-server is not installed .*skipping the Redis tests/);
      process.env.CI = 'true';
      assert.throws(() => requireRedisServer(context), /redis-server is not installed .*, and CI must run the Redis tests/);
    } finally {
      console.log = log;
      process.env.PATH = saved.PATH;
      if (saved.CI === undefined) delete process.env.CI;
      else process.env.CI = saved.CI;
    }
  });

  it('reaches Redis over TLS with rediss:// and the team CA (--redis-ca)', async function () {
    requireRedisServer(this);
    const certificates = tempDir();
    const ca = makeTestCa(certificates.path);
    const redis = await startTestRedis({ tls: { ...ca.issue('redis'), caFile: ca.caFile } });
    const data = tempDir();
    try {
      const url = `rediss://127.0.0.1:${redis.tlsPort}`;
      await assert.rejects(
        startTestServer({ dataDir: data.path, controlSocket: false, redis: { url, connectTimeoutMs: 1000 } }),
        /cannot reach Redis at rediss:\/\/127\.0\.0\.1:\d+ \(waited 1 s\): .*certificate/,
        'an unknown CA is not trusted',
      );
      const servers = [];
      for (let i = 0; i < 2; i++) servers.push(await startTestServer({ dataDir: data.path, controlSocket: false, passwordCost, redis: { url, caFile: ca.caFile } }));
      try {
        const [a, b] = servers;
        const ana = await TestClient.join(a!.url, 'ana');
        await TestClient.join(b!.url, 'bo');
        await ana.next('presence', (p) => p.name === 'bo' && p.online);
        assert.equal((await healthOf(a!)).clusterOnline, 2);
      } finally {
        await Promise.all(servers.map((server) => server.close()));
      }
    } finally {
      await redis.stop();
      data.remove();
      certificates.remove();
    }
  });
});
