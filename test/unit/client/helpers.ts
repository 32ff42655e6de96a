/** Shared by the client tests: clients on fast reconnect timers, sockets the test can cut, event waits. */
import WebSocket from 'ws';
import type { ChatMessage } from '../../../protocol';
import { RelayClient, type RelayClientOptions } from '../../../client/relay-client';
import type { WebSocketLike } from '../../../client/socket';
import { nextEvent } from '../../support/relay-client-waits';

// One wait for an event, shared with the black-box cluster tests.
export { nextEvent };

/** How long until() polls before giving up. */
const WAIT_MS = 5000;

/** Sockets a test can reach into: cut them without a close frame, hide acks, or lose a say. */
export class SocketControl {
  readonly sockets: WebSocket[] = [];
  /** While set, the next ack is hidden from the client and the connection is cut right then. */
  cutOnAck = false;
  /** While set, the next say never leaves: the connection is cut instead. */
  cutOnSay = false;
  /** Every frame the client put on the wire, parsed, in order. */
  readonly sent: Array<Record<string, unknown>> = [];

  readonly create = (url: string): WebSocketLike => {
    const socket = new WebSocket(url);
    this.sockets.push(socket);
    return new AckHidingSocket(socket, this);
  };

  /** Drops the current connection the way a network failure does. */
  cut(): void {
    this.sockets.at(-1)?.terminate();
  }

  /** True when the outgoing frame is lost. */
  loses(data: string, socket: WebSocket): boolean {
    this.sent.push(JSON.parse(data));
    if (!this.cutOnSay || JSON.parse(data).type !== 'say') return false;
    this.cutOnSay = false;
    socket.terminate();
    return true;
  }

  /** True when the frame is hidden from the client. */
  hides(data: unknown, socket: WebSocket): boolean {
    if (!this.cutOnAck || typeof data !== 'string' || JSON.parse(data).type !== 'ack') return false;
    this.cutOnAck = false;
    socket.terminate();
    return true;
  }
}

class AckHidingSocket implements WebSocketLike {
  constructor(
    private readonly socket: WebSocket,
    private readonly control: SocketControl,
  ) {}

  send(data: string): void {
    if (!this.control.loses(data, this.socket)) this.socket.send(data);
  }

  close(code?: number, reason?: string): void {
    this.socket.close(code, reason);
  }

  addEventListener(type: 'open' | 'message' | 'close' | 'error', listener: (event: never) => void): void {
    switch (type) {
      case 'message': {
        const onMessage = listener as (event: { data: unknown }) => void;
        this.socket.addEventListener('message', (event) => {
          if (!this.control.hides(event.data, this.socket)) onMessage(event);
        });
        return;
      }
      case 'open':
        return this.socket.addEventListener('open', listener as () => void);
      case 'close':
        return this.socket.addEventListener('close', listener as (event: { code: number; reason: string }) => void);
      case 'error':
        return this.socket.addEventListener('error', listener as (event: { message?: string }) => void);
    }
  }
}

export function makeClient(url: string, name: string, options: Partial<RelayClientOptions> = {}): RelayClient {
  return new RelayClient({ url, name, reconnect: { initialDelayMs: 20, maxDelayMs: 100 }, ...options });
}

/** Connects and waits for the welcome. */
export async function online(client: RelayClient): Promise<RelayClient> {
  const welcomed = nextEvent(client, 'welcome');
  client.connect();
  await welcomed;
  return client;
}

/** Every 'message' event the client emits, in order. */
export function recordMessages(client: RelayClient): ChatMessage[] {
  const messages: ChatMessage[] = [];
  client.on('message', (message) => messages.push(message));
  return messages;
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until `check` holds, polling; for states reached through several events. */
export async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await delay(10);
  }
}

/**
 * The clients a test makes, closed after it (`closeAll` in afterEach): `client(name)` makes one
 * for the current test's server (`url`), `track` takes one made otherwise.
 */
export class ClientPool {
  private readonly clients: RelayClient[] = [];

  constructor(private readonly url?: () => string) {}

  readonly client = (name: string, options: Partial<RelayClientOptions> = {}): RelayClient => {
    if (!this.url) throw new Error('this pool has no server: make the client and track() it');
    const created = makeClient(this.url(), name, options);
    this.clients.push(created);
    return created;
  };

  track(...clients: RelayClient[]): void {
    this.clients.push(...clients);
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.clients.splice(0).map((client) => client.close()));
  }
}
