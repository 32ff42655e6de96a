import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { startTestServer, tempDir } from '../../support/server';
import { TestClient } from '../../support/ws-test-client';

/** Runs the built CLI on a free port and resolves once it prints its URL. */
function runCli(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [path.resolve('dist/server/cli.js'), '--port', '0', '--data', dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const url = /ws:\/\/\S+/.exec(line)?.[0];
      if (url) resolve({ child, url });
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before listening`)));
  });
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

describe('server: persistent history', () => {
  it('keeps every acked and every delivered message after SIGKILL', async function () {
    this.timeout(20_000);
    const data = tempDir();
    let child: ChildProcess | undefined;
    try {
      const first = await runCli(data.path);
      child = first.child;
      const alice = await TestClient.join(first.url, 'alice');
      const bob = await TestClient.join(first.url, 'bob');
      // Keep sending while the process is killed: everything acked or delivered must survive.
      const acked = new Set<string>();
      const delivered = new Set<string>();
      alice.ws.on('message', (raw: Buffer) => {
        const frame = JSON.parse(raw.toString());
        if (frame.type === 'ack') acked.add(frame.id);
      });
      bob.ws.on('message', (raw: Buffer) => {
        const frame = JSON.parse(raw.toString());
        if (frame.type === 'message') delivered.add(frame.id);
      });
      for (let i = 0; i < 25; i++) {
        alice.send({ type: 'say', id: `k${i}`, text: `k${i}`, ...(i % 2 ? { to: 'bob' } : {}) });
      }
      await alice.next('ack', (a) => a.id === 'k20');
      const gone = exited(first.child);
      first.child.kill('SIGKILL');
      await gone;
      assert.ok(acked.size >= 21);

      const second = await runCli(data.path);
      child = second.child;
      const bobAgain = await TestClient.join(second.url, 'bob', { session: bob.welcome.session, resume: 0 });
      const stored = new Set(bobAgain.welcome.messages.map((m) => m.id));
      for (const id of [...acked, ...delivered]) assert.ok(stored.has(id), `${id} was acked or delivered but is lost`);
      const aliceAgain = await TestClient.join(second.url, 'alice', { session: alice.welcome.session });
      aliceAgain.send({ type: 'say', id: 'k0', text: 'k0' });
      const ack = await aliceAgain.next('ack');
      assert.equal(ack.seq, bobAgain.welcome.messages.find((m) => m.id === 'k0')!.seq, 'dedup survives a restart');
    } finally {
      child?.kill('SIGKILL');
      data.remove();
    }
  });

  it('flushes and exits 0 on SIGTERM, closing clients with 1001, and history survives', async function () {
    this.timeout(20_000);
    const data = tempDir();
    try {
      const first = await runCli(data.path);
      const alice = await TestClient.join(first.url, 'alice');
      alice.send({ type: 'say', id: 'last', text: 'before shutdown' });
      await alice.next('ack');
      const gone = exited(first.child);
      first.child.kill('SIGTERM');
      assert.equal((await alice.closed).code, 1001);
      assert.deepEqual(await gone, { code: 0, signal: null });

      const server = await startTestServer({ dataDir: data.path });
      try {
        const again = await TestClient.join(server.url, 'alice', { session: alice.welcome.session });
        assert.deepEqual(again.welcome.messages.map((m) => m.text), ['before shutdown']);
      } finally {
        await server.close();
      }
    } finally {
      data.remove();
    }
  });
});
