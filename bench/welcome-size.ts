/**
 * Welcome time and size for a user in many channels (protocol 2): a server on loopback with its
 * SQLite store in a temporary folder, one user in CHANNELS channels (plus #general) with a few
 * messages and a mention in each, then RECONNECTS reconnections of that user, each timed from
 * its hello leaving to its welcome arriving.
 *
 *   npx tsx bench/welcome-size.ts [--channels 100] [--messages 5] [--reconnects 30]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { startRelayServer } from '../server';

const { values } = parseArgs({
  options: { channels: { type: 'string' }, messages: { type: 'string' }, reconnects: { type: 'string' } },
});
const CHANNELS = Number(values.channels ?? 100);
const MESSAGES = Number(values.messages ?? 5);
const RECONNECTS = Number(values.reconnects ?? 30);

interface Peer {
  ws: WebSocket;
  /** Resolves with the raw text of the next frame carrying this ref (or of the welcome, for 'hello'). */
  reply(ref: string): Promise<string>;
  send(frame: object): void;
}

async function connect(url: string): Promise<Peer> {
  const ws = new WebSocket(url);
  const waiting = new Map<string, (text: string) => void>();
  ws.on('message', (data: Buffer) => {
    const text = data.toString('utf8');
    const frame = JSON.parse(text) as { type: string; ref?: string; code?: string };
    if (frame.type === 'error') throw new Error(`error from the server: ${text}`);
    const key = frame.type === 'welcome' ? 'hello' : frame.ref;
    if (key !== undefined) waiting.get(key)?.(text);
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  return {
    ws,
    reply: (ref) => new Promise((resolve) => waiting.set(ref, resolve)),
    send: (frame) => ws.send(JSON.stringify(frame)),
  };
}

async function request(peer: Peer, frame: object, ref: string): Promise<string> {
  const reply = peer.reply(ref);
  peer.send({ ...frame, ref });
  return reply;
}

async function hello(url: string, name: string, token?: string): Promise<{ peer: Peer; welcome: string; ms: number }> {
  const peer = await connect(url);
  const welcome = peer.reply('hello');
  const started = performance.now();
  peer.send({ type: 'hello', name, protocol: 2, ...(token ? { token } : {}) });
  const text = await welcome;
  return { peer, welcome: text, ms: performance.now() - started };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'relay-welcome-'));
  const server = await startRelayServer({ host: '127.0.0.1', port: 0, dataDir, controlSocket: false, rateLimit: { burst: 1e6, perSecond: 1e6 } });
  try {
    const user = await hello(server.url, 'reader');
    const token = (JSON.parse(user.welcome) as { token: string }).token;
    const poster = await hello(server.url, 'poster');
    for (let c = 0; c < CHANNELS; c++) {
      const channel = `channel-${c}`;
      await request(poster.peer, { type: 'create', channel, topic: `the topic of ${channel}` }, `c${c}`);
      await request(user.peer, { type: 'join', channel }, `j${c}`);
      for (let m = 0; m < MESSAGES; m++) {
        const text = m === 0 ? `@reader look at ${channel}` : `message ${m} in ${channel}`;
        await request(poster.peer, { type: 'say', id: `${c}.${m}`, channel, text }, `s${c}.${m}`);
      }
    }
    user.peer.ws.close();
    poster.peer.ws.close();
    const times: number[] = [];
    let bytes = 0;
    let channelsInWelcome = 0;
    for (let i = 0; i < RECONNECTS; i++) {
      const again = await hello(server.url, 'reader', token);
      times.push(again.ms);
      bytes = Buffer.byteLength(again.welcome);
      channelsInWelcome = (JSON.parse(again.welcome) as { channels: unknown[] }).channels.length;
      again.peer.ws.close();
      await new Promise((resolve) => again.peer.ws.once('close', resolve));
    }
    times.sort((a, b) => a - b);
    console.log(
      `welcome for a user in ${channelsInWelcome} channels (${CHANNELS} + #general, ${MESSAGES} messages each): ` +
        `${bytes} bytes; hello→welcome over ${RECONNECTS} reconnects: median ${percentile(times, 50).toFixed(2)} ms, ` +
        `p95 ${percentile(times, 95).toFixed(2)} ms, max ${times.at(-1)!.toFixed(2)} ms`,
    );
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
