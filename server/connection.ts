/**
 * One client connection: the transport side. It enforces the rate limit, validates every frame,
 * keeps frames in order while `hello` is being answered, and writes through the outbound queue.
 * What a frame means is the ChatService's business.
 */
import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import {
  CloseCode,
  parseClientFrame,
  replyTagsOfFrame,
  replyTagsOfText,
  type ClientFrame,
  type ErrorCode,
  type HelloFrame,
  type HistoryRequestFrame,
  type ReadRequestFrame,
  type ReplyTags,
  type SayFrame,
  type ServerFrame,
  type TypingRequestFrame,
} from '../protocol';
import type { AccountRequestFrame } from './account-requests';
import type { AdminRequestFrame } from './admin-requests';
import type { AdmissionTicket } from './admission';
import type { ChannelRequestFrame } from './channel-requests';
import type { FrameEvent, WelcomePart } from './broker/broker';
import { FlushScheduler, OutboundQueue, wireTextFrame, type WireFrame } from './outbound';
import type { Logger } from './options';
import { TokenBucket, type RateLimit } from './rate-limiter';
import type { UserRecord } from './store/message-store';
import { StoreUnavailableError } from './store/store-unavailable';

/** What frames mean. A handler that throws or rejects fails that frame only (INTERNAL), never the process. */
export interface FrameHandler {
  hello(connection: Connection, frame: HelloFrame): Promise<void>;
  say(connection: Connection, frame: SayFrame): Promise<void> | void;
  history(connection: Connection, frame: HistoryRequestFrame): Promise<void> | void;
  typing(connection: Connection, frame: TypingRequestFrame): Promise<void> | void;
  account(connection: Connection, frame: AccountRequestFrame): Promise<void>;
  adminRequest(connection: Connection, frame: AdminRequestFrame): Promise<void>;
  channelRequest(connection: Connection, frame: ChannelRequestFrame): Promise<void>;
  read(connection: Connection, frame: ReadRequestFrame): Promise<void>;
  closed(connection: Connection): void;
}

export interface ConnectionSettings {
  rateLimit: RateLimit;
  maxBufferedBytes: number;
  helloTimeoutMs: number;
  scheduler: FlushScheduler;
  logger: Logger;
  onOverflow: (connection: Connection) => void;
  /** Called once the socket has closed: one shared callback weighs less per connection than a listener of its own. */
  onClosed: (connection: Connection) => void;
  /** This server process's id in the cluster. */
  nodeId: string;
}

/** The server's WebSocket class (WebSocketServer's `WebSocket` option): one that knows its Connection. */
export class ConnectionSocket extends WebSocket {
  connection: Connection | undefined = undefined;
}

/** Shared, so no closure is made per connection. */
const ignore = (): void => {};
/** The store turn of a connection with no say in flight: shared, so an idle one keeps no promise of its own. */
const NO_SAY_IN_FLIGHT: Promise<void> = Promise.resolve();

/** A say's place in its connection's arrival order (takeStoreTurn). */
export interface StoreTurn {
  /** Settles once every earlier say of the connection has been handed to the store or given up. */
  ready: Promise<void>;
  /** This say has been handed to the store, or given up: the next may go. */
  done(): void;
}

/** `catching-up`: live, but broker events wait while the messages missed in a Redis outage are read (catch-up.ts). */
type State = 'awaiting-hello' | 'hello-pending' | 'welcoming' | 'live' | 'catching-up' | 'closed';

/** Numbers connections in this process; with the node id, a connection's id in the cluster. */
let connectionCount = 0;

interface HeldEvent {
  frame: WireFrame;
  seq: number | undefined;
  welcomePart: WelcomePart | undefined;
}

/** What a connection keeps only while its welcome (or a catch-up) is put together (thousands of idle ones keep nothing). */
interface Welcoming {
  /** Broker events that arrive meanwhile. */
  events: HeldEvent[];
  /** How many events were held when each part of the welcome began to be read: later ones are newer than it. */
  marks: Partial<Record<WelcomePart, number>>;
}

export class Connection {
  private readonly serial = ++connectionCount;
  user: UserRecord | undefined;
  /** Lower-cased name, set once the hello is accepted. */
  key: string | undefined;
  /** The signed-in device this connection is, set with `user`. */
  deviceId: number | undefined;
  /** The protocol version spoken with the client: 1 unless its hello asked for 2. */
  protocol = 1;
  /**
   * The ids of the channels whose messages reach this connection (the hub keeps it). A small
   * array replaced on each change (rare): a Set's table, kept by every idle connection, is twice
   * the size.
   */
  channels: readonly number[] = [];
  private state: State = 'awaiting-hello';
  /** Frames received while the hello is answered, processed after it in order. */
  private heldFrames: string[] | undefined;
  private welcoming: Welcoming | undefined;
  /**
   * Every message up to this seq that this connection may see has reached it, in its welcome or
   * a catch-up: a copy of one that comes later through the broker (from another node, late) is dropped.
   */
  coveredSeq = 0;
  /** Settles when the latest say taken a turn for has been handed to the store or given up. */
  private lastStoreTurn = NO_SAY_IN_FLIGHT;
  private readonly bucket: TokenBucket;
  private rateLimitedInARow = 0;
  private alive = true;
  private helloTimer: NodeJS.Timeout | undefined;
  private readonly outbound: OutboundQueue;

  constructor(
    private readonly ws: ConnectionSocket,
    socket: Duplex,
    private readonly settings: ConnectionSettings,
    private readonly handler: FrameHandler,
    /** This connection's place among those not yet welcomed; given back once it is. */
    private admissionTicket: AdmissionTicket | undefined = undefined,
    /** The peer's address (the proxy's client, with --trust-proxy), for sign-in limits. */
    readonly address = 'unknown',
  ) {
    this.bucket = new TokenBucket(settings.rateLimit);
    this.outbound = new OutboundQueue(socket, settings.scheduler, settings.maxBufferedBytes, this);
    this.helloTimer = setTimeout(() => {
      this.sendError('BAD_FRAME', `no hello within ${settings.helloTimeoutMs / 1000} s`);
      this.close(CloseCode.HelloTimeout, 'no hello in time');
    }, settings.helloTimeoutMs);
    // Shared listeners that find the connection on its socket: closures made per connection were
    // a fifth of what an idle one kept in the heap.
    ws.connection = this;
    ws.on('message', Connection.onSocketMessage);
    ws.on('pong', Connection.onSocketPong);
    // ws answers protocol violations (1007 invalid UTF-8, 1009 too big) by closing; the error is only informative.
    ws.on('error', ignore);
    ws.on('close', Connection.onSocketClose);
  }

  // ws calls its listeners on the socket, typed as its own WebSocket class.
  private static onSocketMessage(this: WebSocket, data: Buffer, isBinary: boolean): void {
    (this as ConnectionSocket).connection!.receive(data, isBinary);
  }

  private static onSocketPong(this: WebSocket): void {
    (this as ConnectionSocket).connection!.alive = true;
  }

  private static onSocketClose(this: WebSocket): void {
    (this as ConnectionSocket).connection!.onClose();
  }

  /** The next place in the order in which this connection's says reach the store. */
  takeStoreTurn(): StoreTurn {
    const ready = this.lastStoreTurn;
    let handOver!: () => void;
    const handedOver = new Promise<void>((resolve) => (handOver = resolve));
    this.lastStoreTurn = handedOver;
    const done = (): void => {
      handOver();
      if (this.lastStoreTurn === handedOver) this.lastStoreTurn = NO_SAY_IN_FLIGHT;
    };
    return { ready, done };
  }

  /** The peer stopped reading and its backlog passed the cap (OutboundQueue). */
  outboundOverflowed(): void {
    this.settings.onOverflow(this);
  }

  /** Unique in the cluster: a takeover on another node names the connection that stays. */
  get id(): string {
    return `${this.settings.nodeId}:${this.serial}`;
  }

  get isOpen(): boolean {
    return this.state !== 'closed';
  }

  private receive(data: Buffer, isBinary: boolean): void {
    this.alive = true;
    if (this.state === 'closed') return;
    if (!this.bucket.take()) {
      this.refuseFlood(data, isBinary);
      return;
    }
    this.rateLimitedInARow = 0;
    if (isBinary) {
      this.sendError('BAD_FRAME', 'binary frames are not accepted; send JSON text frames');
      return;
    }
    const text = data.toString('utf8');
    if (this.state === 'hello-pending' || this.state === 'welcoming') {
      (this.heldFrames ??= []).push(text);
      return;
    }
    this.process(text);
  }

  /** A frame over the rate limit is dropped; the error names it (a say's id, a ref) so the sender can resend it. */
  private refuseFlood(data: Buffer, isBinary: boolean): void {
    this.rateLimitedInARow++;
    const tags = isBinary ? {} : replyTagsOfText(data.toString('utf8'));
    if (this.rateLimitedInARow > this.settings.rateLimit.burst) {
      this.sendError('RATE_LIMITED', 'too many frames; closing the connection', tags);
      this.close(CloseCode.Flooding, 'kept flooding');
    } else {
      this.sendError('RATE_LIMITED', `slow down: at most ${this.settings.rateLimit.perSecond} frames per second`, tags);
    }
  }

  /** Parses and handles one frame; whatever goes wrong while handling it fails that frame alone. */
  private process(text: string): void {
    let frame: ClientFrame | undefined;
    try {
      const parsed = parseClientFrame(text);
      if (!parsed.ok) {
        const { ok: _, code, message, ...tags } = parsed;
        if (code === 'BAD_NAME' && this.state === 'awaiting-hello') {
          this.refuseHello('BAD_NAME', message, tags);
        } else {
          this.sendError(code, message, tags);
        }
        return;
      }
      frame = parsed.frame;
      this.dispatch(frame)?.catch((error: unknown) => this.failFrame(frame!, error));
    } catch (error) {
      this.failFrame(frame, error);
    }
  }

  private dispatch(frame: ClientFrame): Promise<void> | void {
    if (this.state === 'awaiting-hello') {
      if (frame.type !== 'hello') {
        this.sendError('NOT_WELCOMED', 'send hello first', replyTagsOfFrame(frame));
        return;
      }
      this.stopHelloTimer();
      this.state = 'hello-pending';
      this.handler.hello(this, frame).then(
        () => this.releaseHeldFrames(),
        (error: unknown) => {
          this.settings.logger.warn(`answering a hello failed: ${describeError(error)}`);
          if (error instanceof StoreUnavailableError) {
            // Not the client's fault and not final: it reconnects with backoff, as after 1001.
            const message = 'the server cannot reach its database just now; connect again in a moment';
            this.sendError('UNAVAILABLE', message, replyTagsOfFrame(frame), error.retryAfterMs);
            this.close(CloseCode.TryAgainLater, 'database unreachable');
            return;
          }
          this.sendError('INTERNAL', 'the server could not answer hello; try again', replyTagsOfFrame(frame));
          this.close(1011, 'internal error');
        },
      );
      return;
    }
    switch (frame.type) {
      case 'hello':
        this.sendError('BAD_FRAME', 'already welcomed: hello is only the first frame', replyTagsOfFrame(frame));
        return;
      case 'say':
        return this.handler.say(this, frame);
      case 'history':
        return this.handler.history(this, frame);
      case 'typing':
        return this.handler.typing(this, frame);
      case 'password':
      case 'devices':
      case 'revoke':
      case 'signout':
        return this.handler.account(this, frame);
      case 'disable':
      case 'enable':
        return this.handler.adminRequest(this, frame);
      case 'create':
      case 'join':
      case 'leave':
      case 'invite':
      case 'topic':
      case 'rename':
      case 'archive':
      case 'channels':
      case 'members':
        return this.handler.channelRequest(this, frame);
      case 'read':
        return this.handler.read(this, frame);
    }
  }

  /** A bug met while handling one frame: logged, answered with INTERNAL, and the connection goes on. */
  private failFrame(frame: ClientFrame | undefined, error: unknown): void {
    this.settings.logger.warn(`handling a ${frame?.type ?? 'client'} frame failed: ${describeError(error)}`);
    if (error instanceof StoreUnavailableError) {
      const message = 'the store is unreachable just now; nothing was done, send it again (a say with the same id) after retryAfterMs';
      this.sendError('UNAVAILABLE', message, frame ? replyTagsOfFrame(frame) : {}, error.retryAfterMs);
      return;
    }
    this.sendError(
      'INTERNAL',
      'the server failed while handling this frame; a say can be sent again with the same id',
      frame ? replyTagsOfFrame(frame) : {},
    );
  }

  private releaseHeldFrames(): void {
    const held = this.heldFrames ?? [];
    this.heldFrames = undefined;
    for (const text of held) {
      if (this.state === 'closed') return;
      this.process(text);
    }
  }

  /** Registered with the hub: live events now wait until the welcome is out. */
  beginWelcome(user: UserRecord, key: string, deviceId: number, protocol: number): void {
    // Only what the connection needs: the account's other fields would be kept by every idle one.
    this.user = { id: user.id, name: user.name };
    this.key = key;
    this.deviceId = deviceId;
    this.protocol = protocol;
    this.state = 'welcoming';
    this.welcoming = { events: [], marks: {} };
  }

  /** The welcome's `part` is about to be read from the store: events held from now on may be newer than it. */
  readingWelcomePart(part: WelcomePart): void {
    if (this.welcoming) this.welcoming.marks[part] = this.welcoming.events.length;
  }

  /**
   * Sends the welcome (serialised), then the events held meanwhile that it does not already
   * hold: messages after its snapshot, and changes to its users or conversations that came once
   * that part was being read. One that came during the read may be in the welcome too; clients
   * apply these as state (online or not, a channel's info, a read position), so twice is harmless.
   */
  finishWelcome(welcome: string, snapshotSeq: number): void {
    if (this.state !== 'welcoming') return;
    this.releaseAdmission();
    this.sendSerialised(welcome);
    const { events, marks } = this.welcoming!;
    this.welcoming = undefined;
    events.forEach((event, index) => {
      const newer =
        event.seq !== undefined
          ? event.seq > snapshotSeq
          : event.welcomePart !== undefined && index >= (marks[event.welcomePart] ?? Infinity);
      if (newer) this.outbound.enqueue(event.frame);
    });
    this.coveredSeq = snapshotSeq;
    this.state = 'live';
  }

  /** From now until finishCatchUp, broker events wait. False when the connection is not live (a welcome covers it, or it closed). */
  beginCatchUp(): boolean {
    if (this.state !== 'live') return false;
    this.state = 'catching-up';
    this.welcoming = { events: [], marks: {} };
    return true;
  }

  /**
   * Sends the messages missed (serialised, in seq order), read from the store up to
   * `snapshotSeq`, then the events that waited meanwhile, without the messages the read held.
   */
  finishCatchUp(missed: readonly string[], snapshotSeq: number): void {
    if (this.state !== 'catching-up') return;
    for (const json of missed) this.outbound.enqueue(wireTextFrame(json));
    this.coveredSeq = Math.max(this.coveredSeq, snapshotSeq);
    for (const event of this.welcoming!.events) {
      if (event.seq === undefined || event.seq > this.coveredSeq) this.outbound.enqueue(event.frame);
    }
    this.welcoming = undefined;
    this.state = 'live';
  }

  /** A broker event for this user; `frame` is shared by all recipients and must not be changed. */
  deliver(frame: WireFrame, event: FrameEvent): void {
    if (event.seq !== undefined && event.seq <= this.coveredSeq) return;
    if (this.state === 'live') this.outbound.enqueue(frame, event.lazy);
    else if (this.state === 'welcoming' || this.state === 'catching-up') this.welcoming!.events.push({ frame, seq: event.seq, welcomePart: event.welcomePart });
  }

  send(frame: ServerFrame): void {
    this.sendSerialised(JSON.stringify(frame));
  }

  /** A frame already turned into JSON, for one that was measured against the frame limit. */
  sendSerialised(json: string): void {
    if (this.state === 'closed') return;
    this.outbound.enqueue(wireTextFrame(json));
  }

  /** `about`: the say's id and the request's ref, which the error echoes. */
  sendError(code: ErrorCode, message: string, about: ReplyTags = {}, retryAfterMs?: number): void {
    this.send({ type: 'error', code, message, ...about, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
  }

  refuseHello(code: ErrorCode, message: string, about: ReplyTags = {}, retryAfterMs?: number): void {
    this.stopHelloTimer();
    this.send({ type: 'error', code, message, ...about, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
    this.close(CloseCode.HelloRefused, code.toLowerCase().replace(/_/g, ' '));
  }

  /** Sends what is queued, then a close frame. */
  close(code: number, reason: string): void {
    if (this.state === 'closed') return;
    this.outbound.flush();
    this.markClosed();
    this.ws.close(code, reason);
  }

  onceClosed(listener: () => void): void {
    if (this.ws.readyState === this.ws.CLOSED) listener();
    else this.ws.once('close', listener);
  }

  terminate(): void {
    this.markClosed();
    this.ws.terminate();
  }

  /** Called on every heartbeat: a peer that did not answer the previous ping is dropped. */
  heartbeat(): void {
    if (!this.alive) {
      this.terminate();
      return;
    }
    this.alive = false;
    this.ws.ping();
  }

  private stopHelloTimer(): void {
    clearTimeout(this.helloTimer);
    this.helloTimer = undefined;
  }

  /** Gives back its place among the connections not yet welcomed (once; kept no longer). */
  private releaseAdmission(): void {
    this.admissionTicket?.release();
    this.admissionTicket = undefined;
  }

  private markClosed(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.releaseAdmission();
    this.stopHelloTimer();
    this.heldFrames = undefined;
    this.welcoming = undefined;
  }

  private onClose(): void {
    const wasRegistered = this.key !== undefined;
    this.markClosed();
    if (wasRegistered) this.handler.closed(this);
    this.settings.onClosed(this);
  }
}

/** An error's own message (the stack only for real bugs), bounded for the log. */
function describeError(error: unknown): string {
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}
