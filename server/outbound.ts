/**
 * The hot path out of the server. A frame is encoded once (RFC 6455 header + UTF-8 payload in
 * one buffer) and the same buffer is queued on every recipient's socket; all the frames a
 * socket gets within one event-loop turn go out in one corked write (a single writev).
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

/** Flushes every socket that has queued frames once per event-loop turn. */
export class FlushScheduler {
  private readonly dirty = new Set<OutboundQueue>();
  private scheduled = false;

  mark(queue: OutboundQueue): void {
    this.dirty.add(queue);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flushAll);
    }
  }

  private readonly flushAll = (): void => {
    this.scheduled = false;
    for (const queue of this.dirty) queue.flush();
    this.dirty.clear();
  };
}

export class OutboundQueue {
  private frames: Buffer[] = [];

  constructor(
    private readonly socket: Duplex,
    private readonly scheduler: FlushScheduler,
    private readonly maxBufferedBytes: number,
    /** Called when the peer stopped reading and its backlog passed the cap. */
    private readonly onOverflow: () => void,
  ) {}

  enqueue(frame: Buffer): void {
    if (this.frames.length === 0) this.scheduler.mark(this);
    this.frames.push(frame);
  }

  /** Writes what is queued now; used directly before a close frame so nothing is reordered. */
  flush(): void {
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
    if (frames.length === 1) {
      socket.write(frames[0]!);
    } else {
      socket.cork();
      for (const frame of frames) socket.write(frame);
      socket.uncork();
    }
  }
}
