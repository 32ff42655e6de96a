/**
 * The WebSocket the client talks through. Both the `ws` package's WebSocket and the browser's
 * fit this interface, and tests can pass their own to drop or delay frames.
 */
import { rootCertificates } from 'node:tls';
import WebSocket from 'ws';
import { CloseCode } from '../protocol';
import { untrustedLine } from './untrusted-text';

export interface WebSocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
  addEventListener(type: 'error', listener: (event: { message?: string; error?: unknown }) => void): void;
}

/** Checks a connection that went silent (laptop asleep, network changed) instead of waiting on TCP. */
const KEEPALIVE_INTERVAL_MS = 25_000;

/**
 * The default socket in Node. It pings the server now and then and drops the connection when
 * a ping goes unanswered until the next one, so the client notices a dead link and reconnects.
 */
export interface NodeSocketOptions {
  /** Certificate authorities (PEM) to trust for wss:// besides the system's: a team's own CA. */
  ca?: string | Buffer;
  keepaliveMs?: number;
}

export function createNodeSocket(url: string, { ca, keepaliveMs = KEEPALIVE_INTERVAL_MS }: NodeSocketOptions = {}): WebSocketLike {
  // Node's default CAs stay trusted next to the team's: tls accepts both in one list.
  const socket = new WebSocket(url, ca === undefined ? {} : { ca: [...rootCertificates, ca] });
  let awaitingPong = false;
  const timer = setInterval(() => {
    if (socket.readyState !== WebSocket.OPEN) return;
    if (awaitingPong) {
      socket.terminate();
      return;
    }
    awaitingPong = true;
    socket.ping();
  }, keepaliveMs);
  timer.unref();
  const alive = (): void => {
    awaitingPong = false;
  };
  socket.on('pong', alive);
  socket.on('message', alive);
  socket.on('close', () => clearInterval(timer));
  return socket;
}

/** Says in words why a connection ended, for the 'state' event; what the server wrote is bounded and cleaned. */
export function describeClose(code: number, untrustedReason: string, untrustedSocketError: string | undefined): string {
  const reason = untrustedLine(untrustedReason);
  const socketError = untrustedSocketError === undefined ? undefined : untrustedLine(untrustedSocketError);
  switch (code) {
    case CloseCode.ServerShutdown:
      return 'the server is shutting down';
    case CloseCode.HelloTimeout:
      return 'the server did not get our hello in time';
    case CloseCode.Flooding:
      return 'the server closed the connection because too much was sent too fast';
    case CloseCode.FrameTooBig:
      return 'the server refused a frame that was too large';
    case 1006:
      return socketError ?? 'the connection was lost';
    default:
      return reason || socketError || `the connection closed (code ${code})`;
  }
}
