/**
 * The URL clients reach the server at, which invite links carry: given with --public-url (the
 * name in the certificate, a reverse proxy's address), or else derived from where it listens.
 */
import os from 'node:os';
import { quote } from '../protocol';
import { isWildcardHost } from './listen-address';

const WEBSOCKET_SCHEME: Readonly<Record<string, string>> = { 'ws:': 'ws:', 'wss:': 'wss:', 'http:': 'ws:', 'https:': 'wss:' };

/** ws:// or wss:// (an http:// or https:// one is turned into its WebSocket URL). Throws with the reason for anything else. */
export function normalisePublicUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${quote(value)} is not a URL; give one like wss://chat.example.com:4446`);
  }
  const scheme = WEBSOCKET_SCHEME[url.protocol];
  if (scheme === undefined) throw new Error(`a server URL starts with ws:// or wss:// (or http://, https://); got ${quote(value)}`);
  if (url.username || url.password || value.includes('?') || value.includes('#')) {
    throw new Error(`a server URL has no user name, password, query or fragment; got ${quote(value)}`);
  }
  return `${scheme}//${url.host}${url.pathname === '/' ? '' : url.pathname}`;
}

/** Where a server listening on `host` is reached: that host, or, for every interface, this machine's name. */
export function derivePublicUrl(host: string, port: number, encrypted: boolean): string {
  const name = isWildcardHost(host) ? os.hostname() : host;
  return `${encrypted ? 'wss' : 'ws'}://${name.includes(':') ? `[${name}]` : name}:${port}`;
}

/** The link a teammate clicks to open VS Code's Relay Chat on this invite (it never holds a password). */
export function inviteLink(serverUrl: string, code: string): string {
  return `vscode://relay-chat.relay-chat/invite?server=${encodeURIComponent(serverUrl)}&code=${encodeURIComponent(code)}`;
}
