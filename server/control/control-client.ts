/** The command line's end of the administration socket (see control-protocol.ts). */
import net from 'node:net';
import { CONTROL_MAX_LINE_BYTES, controlReply, type ControlReply, type ControlRequest } from './control-protocol';

const REPLY_TIMEOUT_MS = 10_000;

/** The running server's reply, or undefined when no server listens on `socketPath`. */
export function sendControlRequest(socketPath: string, request: ControlRequest): Promise<ControlReply | undefined> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    let connected = false;
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server on ${socketPath} did not answer within ${REPLY_TIMEOUT_MS / 1000} s`));
    }, REPLY_TIMEOUT_MS);
    socket.setEncoding('utf8');
    socket.once('connect', () => {
      connected = true;
      socket.write(`${JSON.stringify(request)}\n`);
    });
    socket.on('data', (chunk: string) => {
      received += chunk;
      if (Buffer.byteLength(received) > CONTROL_MAX_LINE_BYTES) socket.destroy(new Error('the server sent an oversized reply'));
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const noServer = !connected && (error.code === 'ENOENT' || error.code === 'ECONNREFUSED');
      if (noServer) resolve(undefined);
      else reject(error);
    });
    socket.once('end', () => {
      clearTimeout(timer);
      try {
        const parsed = controlReply.safeParse(JSON.parse(received));
        if (parsed.success) resolve(parsed.data);
        else reject(new Error('the server sent a reply this command does not understand'));
      } catch {
        reject(new Error('the server closed the control socket without a reply'));
      }
    });
  });
}
