/**
 * Which browser pages may open the chat WebSocket. Browsers always send `Origin`; a page on
 * another site (https://evil.example open in a teammate's browser) must not be able to register
 * a name or read history. Clients that send no Origin (Node, the extension host, bots) pass.
 */
import type { IncomingMessage } from 'node:http';

const LOOPBACK_HOSTS = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

export class OriginPolicy {
  private readonly allowed: ReadonlySet<string>;

  /**
   * `allowOrigins`: extra origins (scheme://host[:port]) that may connect. `loopbackOnly`: the
   * server listens on loopback, so its own origin must name a loopback host, which keeps a
   * DNS-rebinding page (http://evil.example:4446 resolving to 127.0.0.1) out.
   */
  constructor(allowOrigins: readonly string[], private readonly loopbackOnly: boolean) {
    this.allowed = new Set(allowOrigins.map(normaliseOrigin));
  }

  allows(request: IncomingMessage): boolean {
    const origin = request.headers.origin;
    if (origin === undefined) return true;
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false; // "null" (sandboxed frames, file:) and anything unparsable
    }
    if (this.allowed.has(url.origin)) return true;
    const host = request.headers.host;
    if (host === undefined || url.host.toLowerCase() !== host.toLowerCase()) return false;
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    return !this.loopbackOnly || LOOPBACK_HOSTS.test(url.hostname);
  }
}

/** `https://Team.Example:443/` and `https://team.example` are one origin. Throws on anything else. */
export function normaliseOrigin(origin: string): string {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    throw new TypeError(`not an origin: ${JSON.stringify(origin.slice(0, 100))} (expected scheme://host[:port])`);
  }
  if (url.origin === 'null' || url.pathname.length > 1 || url.search || url.hash || url.username) {
    throw new TypeError(`not an origin: ${JSON.stringify(origin.slice(0, 100))} (expected scheme://host[:port], no path)`);
  }
  return url.origin;
}
