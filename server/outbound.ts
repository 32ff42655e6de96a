/**
 * The hot path out of the server. A frame is encoded once (RFC 6455 header + UTF-8 payload in
 * one buffer) and the same buffer is queued on every recipient's socket; all the frames a
 * socket gets within one event-loop turn go out in one write.
 *
 * Frames are written to the raw socket that the upgrade handed us, next to `ws`, which still
 * owns reading, pings and close frames: with permessage-deflate off, `ws` writes synchronously
 * too, so the byte stream stays well-formed.
 */
import type { Duplex } from 'node:stream';

const OPCODE_TEXT = 0x81; // FIN + text

/** Encodes a complete, unmasked server-to-client text frame. */
export function encodeTextFrame(payload: string): Buffer {
  const length = Buffer.byteLength(payload);
  const headerLength = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + length);
  frame[0] = OPCODE_TEXT;
  if (length < 126) {
    frame[1] = length;
  } else if (length < 65536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(0, 2);
    frame.writeUInt32BE(length, 6);
  }
  frame.write(payload, headerLength, 'utf8');
  return frame;
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
  private frames: Buffer[] = [];
  /** A frame that must not wait is queued, so the queue is marked for this turn's flush. */
  private urgent = false;

  constructor(
    private readonly socket: Duplex,
    private readonly scheduler: FlushScheduler,
    private readonly maxBufferedBytes: number,
    /** Called when the peer stopped reading and its backlog passed the cap. */
    private readonly onOverflow: () => void,
  ) {}

  /** Queues a frame; a `lazy` one may wait up to LAZY_FLUSH_MS for company. Order is always kept. */
  enqueue(frame: Buffer, lazy = false): void {
    if (lazy) {
      if (this.frames.length === 0) this.scheduler.markLazy(this);
    } else if (!this.urgent) {
      this.urgent = true;
      this.scheduler.mark(this);
    }
    this.frames.push(frame);
  }

  /** Writes what is queued now; used directly before a close frame so nothing is reordered. */
  flush(): void {
    this.urgent = false;
    const frames = this.frames;
    if (frames.length === 0) return;
    this.frames = [];
    const socket = this.socket;
    if (socket.destroyed || !socket.writable) return;
    // What is still unsent from earlier turns is what the peer has not read: a reader that keeps
    // up drains it between turns, however large one burst was.
    if (socket.writableLength > this.maxBufferedBytes) {
      this.onOverflow();
      return;
    }
    // One buffer, one write: cheaper than a corked writev, which allocates per chunk.
    socket.write(frames.length === 1 ? frames[0]! : Buffer.concat(frames));
  }
}
