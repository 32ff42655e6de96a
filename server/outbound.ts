/**
 * The hot path out of the server. A frame is encoded once (RFC 6455 header + UTF-8 payload) and
 * the same frame is queued on every recipient's socket; all the frames a socket gets within one
 * event-loop turn go out in one write.
 *
 * Queued frames are latin1 strings, one char per byte, not Buffers: a Buffer's memory is malloc'd
 * and only freed by a later GC, so a join storm (a presence batch per socket every few ms) left
 * tens of MB of freed-but-fragmented malloc heap resident, about 6 KB per connection. Strings
 * live in V8's heap, and the socket copies a small one through a stack buffer when it writes.
 *
 * Frames are written to the raw socket that the upgrade handed us, next to `ws`, which still
 * owns reading, pings and close frames. permessage-deflate is never negotiated (with it, `ws`
 * would compress and write asynchronously, and a frame written here could overtake one of
 * its own), so `ws` writes synchronously too and the byte stream stays well-formed.
 */
import type { Duplex } from 'node:stream';

const OPCODE_TEXT = 0x81; // FIN + text

/** The header of an unmasked server-to-client text frame, one char per byte. */
function textFrameHeader(length: number): string {
  if (length < 126) return String.fromCharCode(OPCODE_TEXT, length);
  if (length < 65536) return String.fromCharCode(OPCODE_TEXT, 126, length >>> 8, length & 0xff);
  return String.fromCharCode(OPCODE_TEXT, 127, 0, 0, 0, 0, length >>> 24, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff);
}

/** Encodes a complete, unmasked server-to-client text frame. */
export function encodeTextFrame(payload: string): Buffer {
  const length = Buffer.byteLength(payload);
  const header = textFrameHeader(length);
  const frame = Buffer.allocUnsafe(header.length + length);
  frame.write(header, 0, 'latin1');
  frame.write(payload, header.length, 'utf8');
  return frame;
}

/** A frame's bytes as a latin1 string, so its length is its size on the wire: what OutboundQueue takes. */
export type WireFrame = string;

export function wireTextFrame(payload: string): WireFrame {
  // ASCII is its own UTF-8, so the payload follows the header as it is: a 100 KB welcome is not copied.
  if (Buffer.byteLength(payload) === payload.length) return textFrameHeader(payload.length) + payload;
  return encodeTextFrame(payload).toString('latin1');
}

/**
 * How long a frame that may wait (presence) can sit in a queue. During a join storm every join
 * is news for every user; batching those costs nobody a visible delay and saves a write per
 * user per join.
 */
export const LAZY_FLUSH_MS = 25;

/** Flushes every socket that has queued frames once per event-loop turn (lazy ones a bit later). */
export class FlushScheduler {
  private readonly dirty = new Set<OutboundQueue>();
  private readonly lazy = new Set<OutboundQueue>();
  private scheduled = false;
  private lazyTimer: NodeJS.Timeout | undefined;

  mark(queue: OutboundQueue): void {
    this.dirty.add(queue);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flushDirty);
    }
  }

  markLazy(queue: OutboundQueue): void {
    this.lazy.add(queue);
    this.lazyTimer ??= setTimeout(this.flushLazy, LAZY_FLUSH_MS);
  }

  private readonly flushDirty = (): void => {
    this.scheduled = false;
    for (const queue of this.dirty) queue.flush();
    this.dirty.clear();
  };

  private readonly flushLazy = (): void => {
    this.lazyTimer = undefined;
    for (const queue of this.lazy) queue.flush();
    this.lazy.clear();
  };
}

export class OutboundQueue {
  /** None queued: undefined, not an empty array, which thousands of idle sockets would each keep. */
  private frames: WireFrame[] | undefined;
  /** A frame that must not wait is queued, so the queue is marked for this turn's flush. */
  private urgent = false;

  constructor(
    private readonly socket: Duplex,
    private readonly scheduler: FlushScheduler,
    private readonly maxBufferedBytes: number,
    /** Told when the peer stopped reading and its backlog passed the cap. */
    private readonly owner: { outboundOverflowed(): void },
  ) {}

  /** Queues a frame; a `lazy` one may wait up to LAZY_FLUSH_MS for company. Order is always kept. */
  enqueue(frame: WireFrame, lazy = false): void {
    if (lazy) {
      if (this.frames === undefined) this.scheduler.markLazy(this);
    } else if (!this.urgent) {
      this.urgent = true;
      this.scheduler.mark(this);
    }
    (this.frames ??= []).push(frame);
  }

  /** Writes what is queued now; used directly before a close frame so nothing is reordered. */
  flush(): void {
    this.urgent = false;
    const frames = this.frames;
    if (frames === undefined) return;
    this.frames = undefined;
    const socket = this.socket;
    if (socket.destroyed || !socket.writable) return;
    // What is still unsent from earlier turns is what the peer has not read: a reader that keeps
    // up drains it between turns, however large one burst was.
    if (socket.writableLength > this.maxBufferedBytes) {
      this.owner.outboundOverflowed();
      return;
    }
    // One string, one write: cheaper than a corked writev, which allocates per chunk.
    socket.write(frames.length === 1 ? frames[0]! : frames.join(''), 'latin1');
  }
}
