/**
 * Property-based fuzzing of a running server (a child process, so a crash shows as an exit):
 * several clients at once send generated hostile frames in any order. After every batch the
 * server must still run, answer /healthz, and let two ordinary clients chat; no frame it sent
 * may be invalid, oversized or an INTERNAL error (which would mean a bug was hit).
 *
 * `npm test` runs a bounded number of batches; `npm run fuzz` runs many more. Every run prints
 * its seed; replay one with RELAY_FUZZ_SEED=N (and RELAY_FUZZ_RUNS=N).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import fc from 'fast-check';
import WebSocket from 'ws';
import { LIMITS, parseServerFrame } from '../../../protocol';
import { scenario } from '../../fuzz/hostile-frames';
import { tempDir } from '../../support/server';
import { TestClient } from '../../support/ws-test-client';

const RUNS = Number(process.env.RELAY_FUZZ_RUNS ?? 60);
const SEED = Number(process.env.RELAY_FUZZ_SEED ?? Date.now() % 2 ** 31);
/** A client is done once nothing arrived for this long after its last frame. */
const QUIET_MS = 40;

interface FuzzServer {
  child: ChildProcess;
  url: string;
  stderr: string[];
  exited: boolean;
}

async function startServer(dataDir: string): Promise<FuzzServer> {
  const limits = ['--rate-burst', '100000', '--rate-per-second', '100000', '--max-pending-per-address', '10000', '--max-pending', '10000'];
  const child = spawn(process.execPath, [path.resolve('dist/server/cli.js'), '--port', '0', '--data', dataDir, ...limits], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const server: FuzzServer = { child, url: '', stderr: [], exited: false };
  child.on('exit', () => (server.exited = true));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => server.stderr.push(chunk));
  server.url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const match = /listening on (ws:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}: ${server.stderr.join('')}`)));
  });
  return server;
}

function healthz(url: string): Promise<{ ok?: boolean }> {
  return new Promise((resolve, reject) => {
    http
      .get(`${url.replace('ws:', 'http:')}/healthz`, (response) => {
        let body = '';
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => resolve(response.statusCode === 200 ? JSON.parse(body) : {}));
      })
      .on('error', reject);
  });
}

/** Sends one client's frames and collects the raw answers until it goes quiet or is closed. */
function runClient(url: string, hello: string | undefined, protocol2: boolean, frames: string[], problems: string[]): { sent: Promise<void>; done: Promise<void> } {
  const ws = new WebSocket(url);
  let lastActivity = Date.now();
  ws.on('message', (data: Buffer) => {
    lastActivity = Date.now();
    if (data.length > LIMITS.maxServerFrameBytes) problems.push(`a ${data.length}-byte frame`);
    const parsed = parseServerFrame(data.toString('utf8'));
    if (!parsed.ok) problems.push(`an invalid server frame (${parsed.message}): ${data.toString('utf8').slice(0, 200)}`);
    else if (parsed.frame.type === 'error' && parsed.frame.code === 'INTERNAL') problems.push(`INTERNAL: ${parsed.frame.message}`);
  });
  ws.on('error', () => {});
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  const sent = new Promise<void>((resolve) => {
    ws.once('open', () => {
      if (hello) ws.send(JSON.stringify({ type: 'hello', name: hello, ...(protocol2 ? { protocol: 2 } : {}) }));
      for (const frame of frames) ws.send(frame);
      resolve();
    });
    ws.once('close', () => resolve());
  });
  const done = (async () => {
    await sent;
    while (ws.readyState === WebSocket.OPEN && Date.now() - lastActivity < QUIET_MS * 5) {
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, QUIET_MS))]);
      if (Date.now() - lastActivity >= QUIET_MS) break;
    }
    ws.terminate();
    await closed;
  })();
  return { sent, done };
}

let checks = 0;

async function assertStillServing(server: FuzzServer): Promise<void> {
  assert.equal(server.exited, false, `the server process ended: ${server.stderr.join('')}`);
  assert.equal((await healthz(server.url)).ok, true, '/healthz answers');
  checks++;
  const a = await TestClient.join(server.url, `check${checks}a`);
  const b = await TestClient.join(server.url, `check${checks}b`);
  a.send({ type: 'say', id: `c${checks}`, text: 'still chatting' });
  await b.next('message', (m) => m.id === `c${checks}`);
  await Promise.all([a.close(), b.close()]);
}

describe('server: property-based fuzzing with hostile frames', function () {
  this.timeout(Math.max(120_000, RUNS * 3000));
  let server: FuzzServer;
  const data = tempDir();

  before(async () => {
    server = await startServer(data.path);
    console.log(`      fuzz: ${RUNS} batches, seed ${SEED} (replay: RELAY_FUZZ_SEED=${SEED} RELAY_FUZZ_RUNS=${RUNS} npm run fuzz)`);
  });

  after(() => {
    server?.child.kill('SIGTERM');
    data.remove();
  });

  it('stays up, valid and bug-free under generated frames from several clients at once', async () => {
    const details = await fc.check(
      fc.asyncProperty(scenario, async (clients) => {
        const problems: string[] = [];
        const runs = clients.map((client) => runClient(server.url, client.helloFirst, client.protocol2, client.frames, problems));
        await Promise.all(runs.map((run) => run.done));
        assert.deepEqual(problems, []);
        const bugs = server.stderr.join('').split('\n').filter((line) => /failed/.test(line));
        assert.deepEqual(bugs, [], 'the server logged no failure');
        await assertStillServing(server);
      }),
      // No shrinking: once the server has crashed every smaller case fails too, for that reason alone.
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    if (details.failed) {
      const example = JSON.stringify(details.counterexample);
      assert.fail(
        `fuzz batch ${details.numRuns} failed (seed ${details.seed}, path ${details.counterexamplePath}): ` +
          `${details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)}\n` +
          `counterexample (${example.length} characters, first 3000): ${example.slice(0, 3000)}`,
      );
    }
  });
});
