/**
 * Which server installation a URL leads to: `GET /healthz` on the same host and port answers
 * `{"ok":true,"server":ID,...}`, a stable id, so sessions can be kept per server rather than
 * per spelling of its URL, and a secret is only sent to the server that issued it.
 */

/** Ids are short tokens; anything else from a server is not used as one. */
const SERVER_ID_MAX_LENGTH = 128;
/** /healthz answers a few dozen bytes; more than this is not read. */
const MAX_ANSWER_BYTES = 4096;
export const SERVER_ID_TIMEOUT_MS = 2000;

export function isServerId(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= SERVER_ID_MAX_LENGTH && /^[\x21-\x7e]+$/.test(value);
}

/** http://host:port/healthz for ws://host:port, https:// for wss://. */
export function healthUrl(serverUrl: string): URL {
  const url = new URL(serverUrl);
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  return new URL('/healthz', url.origin);
}

/** The id the server at `serverUrl` gives, or undefined if it cannot be learned in time. */
export async function fetchServerId(serverUrl: string, timeoutMs: number = SERVER_ID_TIMEOUT_MS): Promise<string | undefined> {
  try {
    // A redirect would make another server's id stand for this one.
    const response = await fetch(healthUrl(serverUrl), { redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok || !response.body) return undefined;
    const text = await readBounded(response.body, MAX_ANSWER_BYTES);
    if (text === undefined) return undefined;
    const answer: unknown = JSON.parse(text);
    const server = typeof answer === 'object' && answer !== null ? (answer as { server?: unknown }).server : undefined;
    return isServerId(server) ? server : undefined;
  } catch {
    return undefined;
  }
}

async function readBounded(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<string | undefined> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    size += read.value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(read.value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
