/** The running server's end of the administration socket (see control-protocol.ts). */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { AdminRefusal } from '../admin';
import type { Logger } from '../options';
import { CONTROL_MAX_LINE_BYTES, controlRequest, type ControlReply, type ControlRequest } from './control-protocol';

export type ControlHandler = (request: ControlRequest) => Promise<ControlReply>;

export interface ControlServer {
  close(): Promise<void>;
}

export async function startControlServer(socketPath: string, handle: ControlHandler, logger: Logger): Promise<ControlServer> {
  fs.mkdirSync(path.dirname(socketPath), { recursive: true, mode: 0o700 });
  fs.chmodSync(path.dirname(socketPath), 0o700);
  await removeStaleSocket(socketPath);
  const server = net.createServer((socket) => serveOne(socket, handle, logger));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  fs.chmodSync(socketPath, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
      }),
  };
}

/** A socket left by a server that was killed is removed; one that answers belongs to a live server on the same data. */
async function removeStaleSocket(socketPath: string): Promise<void> {
  if (!fs.existsSync(socketPath)) return;
  const live = await new Promise<boolean>((resolve) => {
    const probe = net.connect(socketPath);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (live) throw new Error(`another Relay Chat server is already running on this data folder (${socketPath})`);
  fs.rmSync(socketPath, { force: true });
}

function serveOne(socket: net.Socket, handle: ControlHandler, logger: Logger): void {
  let buffered = '';
  socket.setEncoding('utf8');
  socket.on('error', () => socket.destroy());
  const reply = (answer: ControlReply): void => {
    socket.end(`${JSON.stringify(answer)}\n`);
  };
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    const end = buffered.indexOf('\n');
    if (end < 0) {
      if (Buffer.byteLength(buffered) > CONTROL_MAX_LINE_BYTES) reply({ ok: false, error: 'request too long', refused: true });
      return;
    }
    socket.removeAllListeners('data');
    let request: ControlRequest;
    try {
      const parsed = controlRequest.safeParse(JSON.parse(buffered.slice(0, end)));
      if (!parsed.success) {
        reply({ ok: false, error: 'not a control request this server knows', refused: true });
        return;
      }
      request = parsed.data;
    } catch {
      reply({ ok: false, error: 'a control request is one line of JSON', refused: true });
      return;
    }
    handle(request).then(reply, (error: unknown) => {
      if (error instanceof AdminRefusal) {
        reply({ ok: false, error: error.message, refused: true });
        return;
      }
      logger.warn(`control request ${request.action.kind} failed: ${String(error)}`);
      reply({ ok: false, error: `the server failed: ${error instanceof Error ? error.message : String(error)}`, refused: false });
    });
  });
}
