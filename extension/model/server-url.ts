/**
 * The server URL from what a user types: a ws:// or wss:// URL as it is, or what they copied
 * from a browser or an operator's message (http://…, https://…, or a bare host:port), turned
 * into the WebSocket URL it means instead of being refused. Pure, for the prompt and the settings.
 */
export type ServerUrlAnswer = { url: string } | { problem: string };

const EXAMPLE = 'ws://127.0.0.1:4446';

/** Same port, same server: a page served over https:// speaks wss:// there. */
const WEBSOCKET_SCHEME: Readonly<Record<string, string>> = { 'ws:': 'ws:', 'wss:': 'wss:', 'http:': 'ws:', 'https:': 'wss:' };

export function serverUrlFrom(text: string): ServerUrlAnswer {
  const typed = text.trim();
  if (!typed) return { problem: `Enter the server's URL, such as ${EXAMPLE}` };
  // Without "scheme://" it is a host (and port): "localhost:4446" would otherwise parse as scheme "localhost:".
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(typed);
  let url: URL;
  try {
    url = new URL(hasScheme ? typed : `ws://${typed}`);
  } catch {
    return { problem: `Enter a WebSocket URL such as ${EXAMPLE}` };
  }
  const scheme = WEBSOCKET_SCHEME[url.protocol];
  if (scheme === undefined) return { problem: `The URL must start with ws://, wss://, http:// or https://, not ${url.protocol}//` };
  if (!url.hostname) return { problem: 'The URL needs a host name' };
  // A WebSocket URL is kept as typed: it may be one of the spellings the saved sessions know.
  if (hasScheme && scheme === url.protocol) return { url: typed };
  url.protocol = scheme;
  const { href } = url;
  return { url: url.pathname === '/' && !url.search && !url.hash ? href.slice(0, -1) : href };
}
