/**
 * Which server installation a URL leads to: `GET /healthz` on the same host and port answers
 * `{"ok":true,"server":ID,...}`, a stable id, so sessions can be kept per server rather than
 * per spelling of its URL, and a secret is only sent to the server that issued it.
 */

import http from 'node:http';
import https from 'node:https';
import { rootCertificates } from 'node:tls';

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

/**
 * The id the server at `serverUrl` gives, or undefined if it cannot be learned in time. `ca`:
 * authorities to trust for https:// besides the system's, as for the WebSocket itself.
 */
export function fetchServerId(
  serverUrl: string,
  { timeoutMs = SERVER_ID_TIMEOUT_MS, ca }: { timeoutMs?: number; ca?: string | Buffer } = {},
): Promise<string | undefined> {
  return new Promise((resolve) => {
    const url = healthUrl(serverUrl);
    const done = (id: string | undefined): void => {
      clearTimeout(timer);
      request.destroy();
      resolve(id);
    };
    // Node's http.get follows no redirect: a redirect would make another server's id stand for this one.
    const request = (url.protocol === 'https:' ? https : http).get(url, ca === undefined ? {} : { ca: [...rootCertificates, ca] }, (response) => {
      if (response.statusCode !== 200) return done(undefined);
      readBounded(response, MAX_ANSWER_BYTES).then((text) => {
        try {
          const answer: unknown = text === undefined ? undefined : JSON.parse(text);
          const server = typeof answer === 'object' && answer !== null ? (answer as { server?: unknown }).server : undefined;
          done(isServerId(server) ? server : undefined);
        } catch {
          done(undefined);
        }
      }, () => done(undefined));
    });
    request.on('error', () => done(undefined));
    const timer = setTimeout(() => done(undefined), timeoutMs);
  });
}

async function readBounded(body: AsyncIterable<Buffer>, maxBytes: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > maxBytes) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
