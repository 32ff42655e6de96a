/**
 * Forces a full garbage collection in another Node process through its inspector (started with
 * `--inspect=127.0.0.1:0`), so memory readings compare live data, not whatever garbage the
 * last collection happened to leave behind.
 */
import WebSocket from 'ws';

const TIMEOUT_MS = 30_000;

export function collectGarbage(inspectorUrl: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(inspectorUrl, { perMessageDeflate: false });
    const fail = (reason: string): void => {
      clearTimeout(timer);
      socket.terminate();
      reject(new Error(`forcing a GC through ${inspectorUrl} failed: ${reason}`));
    };
    const timer = setTimeout(() => fail(`no answer within ${TIMEOUT_MS / 1000} s`), TIMEOUT_MS);
    socket.on('open', () => socket.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' })));
    socket.on('message', (data) => {
      const reply = JSON.parse(String(data)) as { id?: number; error?: { message: string } };
      if (reply.id !== 1) return;
      if (reply.error) {
        fail(reply.error.message);
        return;
      }
      clearTimeout(timer);
      socket.close();
      resolve();
    });
    socket.on('error', (error) => fail(error.message));
  });
}
